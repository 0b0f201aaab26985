import { readFile } from 'node:fs/promises';
import { expectNoA11yViolations } from './axe';
import { expect, test } from './demo-fixture';

// The key figures (issue 29): a team lead opens last year's figures and downloads the per-IM
// template; the coordinator sees only protected tables, with suppressed cells. axe runs on every
// page visited.

test.use({ actionTimeout: 5_000, navigationTimeout: 10_000 });

const lastYear = new Date().getFullYear() - 1;

test.describe('team lead', () => {
  test.use({ user: 'awo.leitung' });
  test("opens last year's figures and downloads the per-IM template", async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Kennzahlen', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: `Kalenderjahr ${lastYear}` })).toBeVisible();
    const table = page.getByRole('table', { name: 'Kennzahlen je Integrationsmanager:in' });
    await expect(table.getByRole('columnheader', { name: 'Ahmad Karimi' })).toBeVisible();
    await expect(table.getByRole('rowheader', { name: 'Betreute Personen' }).first()).toBeVisible();
    await expect(page.getByRole('img', { name: 'Beratungskontakte nach Thema' })).toBeVisible();
    await expectNoA11yViolations(page);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Meldevorlage je IM (XLSX)', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`kennzahlen-je-im-${lastYear}.xlsx`);
    const bytes = await readFile(await file.path());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });

  test('asks for the caseload at a date by keyboard', async ({ page }) => {
    await page.goto('/figures');
    await page.getByLabel('Bestand an einem Stichtag', { exact: true }).check();
    await page.getByLabel(/^Datum/).fill(`${lastYear}-06-30`);
    await page.getByLabel(/^Datum/).press('Enter');
    await expect(page.getByRole('heading', { level: 2, name: /^Bestand am 30\.06\./ })).toBeVisible();
    await expectNoA11yViolations(page);
  });

  test('sees that a slow computation is under way', async ({ page }) => {
    await page.goto('/figures');
    const progress = page.getByText('Die Kennzahlen werden berechnet');
    await expect(progress).toBeHidden();
    // The server answers late (as at state size): the note appears after a second, and goes.
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/figures\?/, async (route) => {
      await answered;
      await route.continue();
    });
    await page.getByLabel(/^Jahr/).fill(`${lastYear - 1}`);
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await expect(progress).toBeVisible({ timeout: 3_000 });
    await expect(page.getByRole('status')).toContainText('Die Kennzahlen werden berechnet');
    release();
    await expect(page.getByRole('heading', { level: 2, name: `Kalenderjahr ${lastYear - 1}` })).toBeVisible();
    await expect(progress).toBeHidden();
    await expectNoA11yViolations(page);
  });
});

test.describe('coordinator', () => {
  test.use({ user: 'koordination' });
  test('sees protected tables by organisation and municipality, never an IM', async ({ page }) => {
    await page.goto('/figures');
    await expect(page.getByRole('heading', { level: 2, name: 'Nach Organisation und Gemeinde (geschützt)' })).toBeVisible();
    const persons = page.getByRole('table', { name: 'Betreute Personen im Jahr' });
    await expect(persons.getByRole('rowheader', { name: 'Gesamt' })).toBeVisible();
    await expect(persons.getByRole('cell', { name: '< 5' }).first()).toBeVisible();
    await expect(page.getByText('Ahmad Karimi')).toHaveCount(0);
    await expectNoA11yViolations(page);

    // A single reference date is refused for coordinators, with the reason.
    await page.goto(`/figures?question=at&date=${lastYear}-06-30`);
    await expect(page.getByRole('alert')).toContainText('nur ganze Kalenderjahre');
    await expectNoA11yViolations(page);
  });
});
