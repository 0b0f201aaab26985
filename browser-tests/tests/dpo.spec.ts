import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';

// The data-protection officer's desk (issue 25, decision 0024): the overview of every tool, the
// register of processing activities with its print view, and a report over a chosen period.
test.describe('data-protection officer', () => {
  test.use({ user: 'datenschutz' });

  test('finds every tool on the desk', async ({ page }) => {
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Datenschutz', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Datenschutz' })).toBeVisible();
    for (const name of [
      'Verzeichnis der Verarbeitungstätigkeiten',
      'Zugriffe je beschäftigter Person',
      'Ungewöhnlich viele Zugriffe',
      'Abgewiesene Zugriffe',
      'Sperren und Löschungen',
      'Änderungen an Konten',
      'Prüfkette des Protokolls',
    ]) {
      await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
    }
    await expectNoA11yViolations(page);
  });

  test('reads the register and its print view', async ({ page }) => {
    await page.goto('/privacy/desk');
    await page.getByRole('link', { name: 'Verzeichnis der Verarbeitungstätigkeiten', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Verzeichnis der Verarbeitungstätigkeiten' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Löschfristen wie eingestellt' })).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'Druckansicht', exact: true }).click();
    await expect(page).toHaveURL(/\/privacy\/register\/print$/);
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('navigation')).toBeHidden();
    await expect(page.getByRole('heading', { level: 2, name: 'Technische und organisatorische Maßnahmen' })).toBeVisible();
    await page.emulateMedia({ media: 'screen' });
    await expectNoA11yViolations(page);
  });

  test('chooses a period for a report, with a clear error for a bad one', async ({ page }) => {
    await page.goto('/privacy/reports/accesses');
    await expect(page.getByRole('heading', { level: 1, name: 'Zugriffe je beschäftigter Person' })).toBeVisible();
    await page.getByLabel('Erster Tag', { exact: true }).fill('2026-12-31');
    await page.getByLabel('Letzter Tag', { exact: true }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await expect(page.getByText('Das Ende liegt vor dem Anfang des Zeitraums.').first()).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByLabel('Erster Tag', { exact: true }).fill('2020-01-01');
    await page.getByRole('button', { name: 'Anzeigen' }).click();
    await expect(page.getByText('Zeitraum: 01.01.2020 bis 01.01.2026')).toBeVisible();
    await expectNoA11yViolations(page);
  });
});
