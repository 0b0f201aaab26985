import { expectNoA11yViolations } from './axe';
import { expect, test } from './demo-fixture';

// Separation of duties (issue 21): an administrator asks to reset a colleague's password, a second
// administrator confirms and receives the one-time link, the person finds a notice on their start
// page, and the data-protection officer reads the change in the report of account changes. axe
// runs on every page visited.

test.describe.configure({ mode: 'serial' });
test.use({ actionTimeout: 5_000, navigationTimeout: 10_000 });

test.describe('first administrator', () => {
  test.use({ user: 'admin' });
  test('asks to reset the password of Ahmad Karimi and gets no link', async ({ page }) => {
    await page.goto('/admin/staff');
    await page.getByRole('link', { name: 'Ahmad Karimi', exact: true }).click();
    await page.getByRole('button', { name: 'Neuen Einmal-Link erzeugen', exact: true }).click();
    await expect(page.getByRole('status')).toContainText('Die Zurücksetzung ist angefragt');
    await expect(page.locator('#setup-link')).toHaveCount(0);
    await expectNoA11yViolations(page);
  });
});

test.describe('second administrator', () => {
  test.use({ user: 'awo.admin' });
  test('confirms the reset from the start page and receives the link', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Eine Anfrage wartet auf Ihre Bestätigung.' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Bestätigungen' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Passwort von Ahmad Karimi zurücksetzen' })).toBeVisible();
    await expectNoA11yViolations(page);
    await page.getByRole('button', { name: /^Bestätigen/ }).click();
    await expect(page.locator('#setup-link')).toContainText('/setup/');
    await expectNoA11yViolations(page);
  });
});

test.describe('the person', () => {
  test.use({ user: 'awo.im1' });
  test('is told on the start page and dismisses the notice', async ({ page }) => {
    await page.goto('/');
    const notice = page.getByRole('region', { name: 'Ihr Passwort wurde zurückgesetzt' });
    await expect(notice).toContainText('Sabine Adler');
    await expect(notice).toContainText('Thomas Berger');
    await expectNoA11yViolations(page);
    await notice.getByRole('button', { name: 'Gelesen', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Ihr Passwort wurde zurückgesetzt' })).toHaveCount(0);
  });
});

test.describe('data-protection officer', () => {
  test.use({ user: 'datenschutz' });
  test('reads the reset in the report of account changes', async ({ page }) => {
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Änderungen an Konten', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Änderungen an Konten' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Passwort zurückgesetzt', exact: true }).first()).toBeVisible();
    await expectNoA11yViolations(page);
  });
});
