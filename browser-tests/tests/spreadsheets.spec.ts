import { expectNoA11yViolations } from './axe';
import { expect, test } from './demo-fixture';

// Clients from a spreadsheet (issue 22): an IM uploads the German Excel CSV of their list, maps
// its columns (the headings suggest the fields), reads the preview (a row without a consent
// loses its voluntary columns, a row with an error blocks the import until it is fixed),
// imports, and finds the clients in the caseload. axe runs on every step, error states included.

test.use({ actionTimeout: 5_000, navigationTimeout: 10_000, user: 'awo.im1' });

const HEADER = 'Vorname;Nachname;Geburtsdatum;Staatsangehörigkeit;Deutschniveau;Einwilligung am;Einwilligung Form';

function csv(rows: string[]): Buffer {
  return Buffer.from(`\ufeff${[HEADER, ...rows].join('\r\n')}\r\n`, 'utf8');
}

async function uploadFile(page: import('@playwright/test').Page, rows: string[]) {
  await page.goto('/cases');
  await page.getByRole('link', { name: 'Aus Tabelle importieren', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Klient:innen aus einer Tabelle importieren');
  await expectNoA11yViolations(page);
  await page.getByLabel('Tabelle (XLSX oder CSV)').setInputFiles({
    name: 'liste.csv',
    mimeType: 'text/csv',
    buffer: csv(rows),
  });
  await page.getByRole('button', { name: 'Hochladen', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Spalten zuordnen');
}

test('uploads a spreadsheet, maps its columns, previews and imports it', async ({ page }) => {
  // First a file with an error: the preview says where, and nothing can be imported.
  await uploadFile(page, ['Mariam;Ezzat;31.02.1991;syrisch;B1;01.11.2026;Papier']);
  await page.getByRole('button', { name: 'Weiter zur Vorschau', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vorschau des Imports');
  await expect(page.getByText('Spalte C (Geburtsdatum): Bitte ein Geburtsjahr')).toBeVisible();
  await expect(page.getByRole('button', { name: /importieren$/ })).toHaveCount(0);
  await expectNoA11yViolations(page);

  // The corrected file: the mapping is offered as saved.
  await uploadFile(page, [
    'Mariam;Ezzat;1.2.1991;syrisch;b1.2;01.11.2026;Papier',
    'Samir;Haidari;1987;Afghanistan;A2/B1;;',
  ]);
  await expect(page.getByText('Für diese Spaltenüberschriften ist Ihre gespeicherte Zuordnung vorausgewählt.')).toBeVisible();
  await expect(page.getByLabel('Feld für Spalte Vorname')).toHaveValue('given_name');
  await expect(page.getByLabel('Feld für Spalte Deutschniveau')).toHaveValue('german_level');
  await expect(page.getByLabel('Gemeinde für Zeilen ohne Gemeinde')).toHaveValue('08990002');
  await expectNoA11yViolations(page);
  // A field chosen twice is refused with the form kept.
  await page.getByLabel('Feld für Spalte Nachname').selectOption('given_name');
  await page.getByRole('button', { name: 'Weiter zur Vorschau', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('ist schon einer anderen Spalte zugeordnet');
  await expectNoA11yViolations(page);
  await page.getByLabel('Feld für Spalte Nachname').selectOption('family_name');
  await page.getByRole('button', { name: 'Weiter zur Vorschau', exact: true }).press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vorschau des Imports');
  const table = page.getByRole('table', { name: 'Die ersten Zeilen und alle Zeilen mit Fehlern oder Hinweisen' });
  await expect(table.getByRole('row', { name: /Mariam Ezzat/ })).toContainText('01.02.1991');
  await expect(table.getByRole('row', { name: /Samir Haidari/ })).toContainText(
    'Ohne Einwilligung nicht übernommen (nur Mindestangaben): Staatsangehörigkeit, Deutschniveau',
  );
  await expectNoA11yViolations(page);

  await page.getByRole('button', { name: '2 Zeilen importieren', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import abgeschlossen');
  await expect(page.getByRole('status')).toContainText('2 Klient:innen aufgenommen. 1 Einwilligung erfasst.');
  await expectNoA11yViolations(page);

  await page.getByRole('link', { name: 'Zur Fallliste', exact: true }).click();
  await expect(page.getByText('Ezzat').first()).toBeVisible();
  await expect(page.getByText('Haidari').first()).toBeVisible();
});
