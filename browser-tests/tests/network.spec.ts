import { readFile } from 'node:fs/promises';
import { expectNoA11yViolations } from './axe';
import { expect, post, test } from './demo-fixture';

// The network (issue 23, decision 0026): the coordinator adds the Jobcenter to the directory; an IM
// finds it by category and language, refers a demo client (Zahra Ahmadi, who has consented) with
// data — refused without a release, then the release recorded from the offered link —, records the
// result, and opens the family-reunification shortcut. axe runs on every page visited.

test.use({ actionTimeout: 5_000, navigationTimeout: 15_000 });

const JOBCENTER = 'Jobcenter Neckartal (Test)';

// One worker, one demo server: the IM's test finds the coordinator's entry.
test.describe.configure({ mode: 'serial' });

test.describe('coordinator', () => {
  test.use({ user: 'koordination' });

  test('adds the Jobcenter to the directory', async ({ page: k }) => {
    // The coordinator adds a county-wide entry.
    await k.goto('/services');
    await expect(k.getByRole('heading', { level: 1, name: 'Verzeichnis der Dienste' })).toBeVisible();
    await expectNoA11yViolations(k);
    await k.getByRole('link', { name: 'Neuer Eintrag', exact: true }).click();
    await expectNoA11yViolations(k);
    // An empty name: refused by the server with the field named (the browser's check bypassed).
    await k.locator('#service-form').evaluate((f) => f.setAttribute('novalidate', ''));
    expect(await post(k, k.getByRole('button', { name: 'Speichern', exact: true }))).toBe(422);
    await expect(k.getByRole('alert')).toContainText('Name');
    await expectNoA11yViolations(k);
    await k.getByLabel('Name', { exact: true }).fill(JOBCENTER);
    await k.getByLabel('Art des Dienstes').selectOption({ label: 'Jobcenter' });
    await k.getByLabel('Anschrift').fill('Bahnhofstraße 1\n74999 Bergfelden');
    await k.getByLabel('Telefon').fill('07131 000');
    await k.getByLabel('Tigrinya').check();
    await k.getByLabel('Öffnungszeiten').fill('Mo–Fr 8–12 Uhr');
    expect(await post(k, k.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
    await k.waitForURL(/\/services\/\d+$/);
    await expectNoA11yViolations(k);
  });
});

test('an IM finds the Jobcenter and refers a client under a release', async ({ page }) => {
  // The IM finds it by category and language.
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Dienste' }).click();
  await page.getByLabel('Art des Dienstes').selectOption({ label: 'Jobcenter' });
  await page.getByLabel('Sprachen').selectOption({ label: 'Tigrinya' });
  await page.getByRole('button', { name: 'Filtern', exact: true }).click();
  await expect(page.getByRole('table')).toContainText(JOBCENTER);
  await expectNoA11yViolations(page);

  // The case of Zahra Ahmadi.
  await page.goto('/cases');
  await page.getByRole('link', { name: 'Zahra Ahmadi' }).first().click();
  await page.waitForURL(/\/(clients|cases)\/\d+$/);
  if (new URL(page.url()).pathname.startsWith('/clients/')) {
    await page.locator('a[href^="/cases/"]').filter({ hasText: 'Fall' }).first().click();
    await page.waitForURL(/\/cases\/\d+$/);
  }
  const casePath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 2, name: 'Vermittlungen' })).toBeVisible();

  // The family-reunification shortcut.
  await page.getByRole('link', { name: 'Familiennachzug → Migrationsberatung' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Familiennachzug');
  await expectNoA11yViolations(page);

  // A referral with data but no release: refused, with the way to record the release.
  await page.goto(casePath);
  await page.getByRole('link', { name: 'Vermittlung erfassen', exact: true }).click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Dienst', { exact: true }).selectOption({ label: `${JOBCENTER} (Jobcenter)` });
  await page.getByLabel('Für', { exact: true }).selectOption({ label: 'Zahra Ahmadi' });
  await page.getByLabel('Handlungsfeld').selectOption({ label: 'Arbeit' });
  await page.getByLabel('Anlass').fill('Anmeldung zur Arbeitsvermittlung');
  await page.getByRole('checkbox', { name: /^Personalien/ }).check();
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(422);
  await expect(page.getByText('keine gültige Schweigepflichtentbindung').first()).toBeVisible();
  await expect(page.getByLabel('Anlass')).toHaveValue('Anmeldung zur Arbeitsvermittlung');
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Erst eine Schweigepflichtentbindung erfassen' }).click();
  await expect(page.getByLabel('Name der Stelle', { exact: false })).toHaveValue(JOBCENTER);
  await expectNoA11yViolations(page);
  await page.getByRole('checkbox', { name: /^Personalien/ }).check();
  await page.getByLabel('Zweck', { exact: true }).fill('Vermittlung an das Jobcenter');
  expect(await post(page, page.getByRole('button', { name: 'Schweigepflichtentbindung speichern' }))).toBe(303);

  // Now the referral passes the released data.
  await page.goto(`${casePath}/referrals/new`);
  await page.getByLabel('Dienst', { exact: true }).selectOption({ label: `${JOBCENTER} (Jobcenter)` });
  await page.getByLabel('Für', { exact: true }).selectOption({ label: 'Zahra Ahmadi' });
  await page.getByRole('checkbox', { name: /^Personalien/ }).check();
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
  const list = page.locator('#referral-list');
  await expect(list).toContainText(JOBCENTER);
  await expect(list).toContainText('Personalien');
  await expectNoA11yViolations(page);

  // The result.
  const row = list.locator('tbody tr').first();
  await row.getByLabel('Ergebnis', { exact: true }).selectOption({ label: 'angenommen' });
  expect(await post(page, row.getByRole('button', { name: 'Ergebnis speichern' }))).toBe(303);
  await expect(page.locator('#referral-list tbody tr').first()).toContainText('angenommen');
  await expectNoA11yViolations(page);

  // The letter: where to go and what to bring, in German and her language, with the part for
  // the Jobcenter that the release covers.
  await page.locator('#referral-list tbody tr').first().getByRole('link', { name: 'Brief drucken' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Brief zur Vermittlung' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Teil für den Dienst' })).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel('Sprache neben Deutsch').selectOption('fa');
  await page.getByRole('checkbox', { name: 'Gesundheitskarte' }).check();
  await page.getByLabel('Kurze Zusammenfassung für den Dienst').fill('Möchte sich arbeitsuchend melden.');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'PDF erstellen', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^vermittlung-\d+-fa\.pdf$/);
  const bytes = await readFile(await file.path());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  await page.goto(casePath);

  // The directory entry's page for the IM: read only.
  await page.getByRole('link', { name: JOBCENTER }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: JOBCENTER })).toBeVisible();
  await expectNoA11yViolations(page);
});
