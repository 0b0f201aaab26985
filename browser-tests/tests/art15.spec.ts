import { readFile } from 'node:fs/promises';
import { expectNoA11yViolations } from './axe';
import { expect, test } from './demo-fixture';

// The Art. 15 export (issue 22): the data-protection officer finds a person for a request by full
// name and year of birth with a reason, opens the record and downloads the report as a PDF in
// German beside the person's language (Arabic for Mohammad Haddad). axe runs on every page.

test.use({ actionTimeout: 5_000, navigationTimeout: 15_000, user: 'datenschutz' });

test('the DPO produces an Art. 15 export and downloads the PDF', async ({ page }) => {
  await page.goto('/privacy');
  await page.getByLabel(/^Vollständiger Name/).fill('Mohammad Haddad');
  await page.getByLabel('Geburtsjahr', { exact: true }).fill('1988');
  await page.getByLabel('Anlass', { exact: true }).fill('Auskunftsersuchen nach Art. 15 DSGVO, schriftlich');
  await page.getByRole('button', { name: 'Suchen', exact: true }).click();
  const hits = page.getByRole('region', { name: /Treffer/ });
  await expect(hits).toContainText('Mohammad Haddad');
  await expectNoA11yViolations(page);

  await hits.getByRole('button', { name: /^Akte für die Anfrage öffnen/ }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Akte für eine Betroffenenanfrage' })).toBeVisible();
  const art15 = page.getByRole('region', { name: 'Auskunft nach Art. 15 DSGVO' });
  await expect(art15.getByLabel('Grund (die Anfrage der Person)')).toHaveValue(/Auskunftsersuchen/);
  // The chooser starts at the person's language.
  await expect(art15.getByLabel('Sprache neben Deutsch')).toHaveValue('ar');
  await expectNoA11yViolations(page);

  const download = page.waitForEvent('download');
  await art15.getByRole('button', { name: 'PDF herunterladen', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^auskunft-art15-\d+-\d{4}-\d{2}-\d{2}\.pdf$/);
  const bytes = await readFile(await file.path());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

  // The export is in the person's access record, with its reason.
  await page.goto('/privacy');
  await page.getByLabel(/^Vollständiger Name/).fill('Mohammad Haddad');
  await page.getByLabel('Geburtsjahr', { exact: true }).fill('1988');
  await page.getByLabel('Anlass', { exact: true }).fill('Kontrolle der Auskunft, schriftlich');
  await page.getByRole('button', { name: 'Suchen', exact: true }).click();
  await page.getByRole('region', { name: /Treffer/ }).getByRole('button', { name: /^Akte für die Anfrage öffnen/ }).first().click();
  const log = page.getByRole('region', { name: 'Zugriffe auf die Akte' });
  await expect(log.getByRole('cell', { name: 'Auskunft nach Art. 15 erstellt', exact: true }).first()).toBeVisible();
  await expectNoA11yViolations(page);
});

test.describe("an organisation's administrator", () => {
  test.use({ user: 'awo.admin' });
  test("downloads the organisation's export made for the IMs", async ({ page }) => {
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Daten exportieren (Austauschformat)', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Daten exportieren' })).toBeVisible();
    // Only the own organisation is offered.
    await expect(page.getByLabel('Organisation', { exact: true }).locator('option')).toHaveCount(1);
    await page.getByLabel('Für welche Rolle', { exact: true }).selectOption('im');
    await page.getByLabel('Zweck', { exact: true }).fill('Umzug zum Träger X');
    await expectNoA11yViolations(page);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Datei herunterladen', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^ankommen-export-.+\.jsonl$/);
    const header = JSON.parse((await readFile(await file.path())).toString().split('\n')[0]);
    expect(header.made_for).toEqual({ role: 'im', purpose: 'Umzug zum Träger X' });
    expect(header.special_category.included).toBe(true);
  });
});
