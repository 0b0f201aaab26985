import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';

// Keeping data only as long as needed (decision 0022): the administrator's retention schedule,
// the IM's list of cases due for erasure, and the data-protection officer's list of holds. axe
// runs on every page.

test.describe('administrator', () => {
  test.use({ user: 'admin' });
  test('sets the retention schedule, and a bad value is refused with what was typed kept', async ({ page }) => {
    await page.goto('/admin');
    await page.getByRole('link', { name: 'Aufbewahrungsfristen', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Aufbewahrungsfristen' })).toBeVisible();
    const closed = page.getByLabel('Abgeschlossener Fall: Löschung nach Monaten');
    await expect(closed).toHaveValue('6');
    await expectNoA11yViolations(page);
    await closed.fill('0');
    await page.getByLabel('Protokoll: Aufbewahrung in Monaten').fill('30');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await expect(page.getByText('Bitte eine ganze Zahl im angegebenen Bereich.').first()).toBeVisible();
    await expect(page.getByLabel('Protokoll: Aufbewahrung in Monaten')).toHaveValue('30');
    await expectNoA11yViolations(page);
    await page.getByLabel('Abgeschlossener Fall: Löschung nach Monaten').fill('6');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await expect(page.getByText('Gespeichert.')).toBeVisible();
    await expect(page.getByLabel('Protokoll: Aufbewahrung in Monaten')).toHaveValue('30');
  });
});

test.describe('integration manager', () => {
  test.use({ user: 'caritas.im' });
  test('finds the cases due for erasure from the caseload', async ({ page }) => {
    await page.goto('/cases');
    await page.getByRole('link', { name: 'Anstehende Löschungen', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Anstehende Löschungen' })).toBeVisible();
    await expect(page.getByText('In den nächsten 30 Tagen wird keiner Ihrer Fälle gelöscht.')).toBeVisible();
    await expectNoA11yViolations(page);
  });
});

test.describe('data-protection officer', () => {
  test.use({ user: 'datenschutz' });
  test('sees the holds on erasure', async ({ page }) => {
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Löschsperren', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Löschsperren' })).toBeVisible();
    await expect(page.getByText('Es gibt keine Löschsperren.')).toBeVisible();
    await expectNoA11yViolations(page);
  });
});
