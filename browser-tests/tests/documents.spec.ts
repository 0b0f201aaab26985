import { expectNoA11yViolations } from './axe';
import { expect, post, test, today } from './demo-fixture';

// Documents and case notes (issue 26): an IM uploads a letter a demo client brought (Zahra Ahmadi,
// who has consented) with a note and a deadline, sees it listed and opens it; then writes a general
// case note and finds it in the case's timeline. axe runs on every page visited.

test.use({ actionTimeout: 5_000, navigationTimeout: 15_000 });

const TITLE = 'Bescheid Familienkasse Kindergeld';
const NOTE = 'Kontoauszug bis Monatsende nachreichen';
const CASE_NOTE = 'Die Vermieterin hat angerufen: Heizung wird am Montag repariert.';

function inDays(days: number): string {
  const d = new Date(`${today()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test('IM uploads a document on a demo client and writes a case note', async ({ page }) => {
  await page.goto('/cases');
  await page.getByRole('link', { name: 'Zahra Ahmadi' }).first().click();
  await page.waitForURL(/\/(clients|cases)\/\d+$/);
  if (new URL(page.url()).pathname.startsWith('/clients/')) {
    await page.locator('a[href^="/cases/"]').filter({ hasText: 'Fall' }).first().click();
    await page.waitForURL(/\/cases\/\d+$/);
  }
  const casePath = new URL(page.url()).pathname;

  await page.getByRole('link', { name: 'Dokumente', exact: true }).click();
  await page.waitForURL((u) => u.pathname === `${casePath}/documents`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Dokumente zum Fall');
  await expectNoA11yViolations(page);

  await page.getByLabel('Art des Dokuments').selectOption({ label: 'Bescheid' });
  await page.getByLabel('Datum des Schreibens').fill(inDays(-3));
  await page.getByLabel('Kurzer Titel').fill(TITLE);
  await page.getByLabel('Datei', { exact: true }).setInputFiles({
    name: 'bescheid.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n'),
  });
  await page.getByLabel('Was steht darin, was ist zu tun?').fill(NOTE);
  await page.getByLabel('Zu erledigen bis').fill(inDays(14));
  expect(await post(page, page.getByRole('button', { name: 'Dokument speichern', exact: true }))).toBe(303);
  await page.waitForURL(/\/client-documents\/\d+$/);
  await expect(page.locator('#document-title')).toHaveText(TITLE);
  await expect(page.locator('#document-note')).toHaveText(NOTE);
  await expect(page.getByRole('link', { name: 'Datei herunterladen' })).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByRole('link', { name: 'Zurück zu den Dokumenten des Falls' }).click();
  await page.waitForURL((u) => u.pathname === `${casePath}/documents`);
  await expect(page.getByRole('table')).toContainText(TITLE);
  await expectNoA11yViolations(page);

  // The case note: an empty one is refused by the server with the field named, then saved.
  await page.goto(casePath);
  await page.getByRole('link', { name: 'Notiz schreiben' }).click();
  await page.waitForURL((u) => u.pathname === `${casePath}/notes/new`);
  await expectNoA11yViolations(page);
  await page.getByLabel('Notiz', { exact: true }).evaluate((e) => e.removeAttribute('required'));
  expect(await post(page, page.getByRole('button', { name: 'Notiz speichern', exact: true }))).toBe(422);
  await expect(page.locator('#e-note_text')).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel('Notiz', { exact: true }).fill(CASE_NOTE);
  expect(await post(page, page.getByRole('button', { name: 'Notiz speichern', exact: true }))).toBe(303);
  await page.waitForURL((u) => u.pathname === `${casePath}/timeline`);
  const entry = page.locator('ol.timeline li').filter({ hasText: CASE_NOTE });
  await expect(entry).toContainText('Notiz zum Fall');
  await expectNoA11yViolations(page);
});
