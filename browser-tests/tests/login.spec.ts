import { expect, test } from '@playwright/test';
import { expectNoA11yViolations } from './axe';

const username = process.env.ANKOMMEN_E2E_ADMIN_USERNAME || 'admin';
const password = process.env.ANKOMMEN_E2E_ADMIN_PASSWORD || '';

function pathOf(url: string): string {
  return new URL(url).pathname;
}

test('login page, login as administrator, navigation, logout', async ({ page }) => {
  expect(password, 'ANKOMMEN_E2E_ADMIN_PASSWORD must be set (run scripts/browser-tests.sh)').not.toBe('');

  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

  const form = page.locator('form').filter({ has: page.getByLabel('Benutzername', { exact: true }) });
  await expect(form).toHaveCount(1);
  const usernameField = form.getByLabel('Benutzername', { exact: true });
  const passwordField = form.getByLabel('Passwort', { exact: true });
  const submit = form.getByRole('button', { name: 'Anmelden', exact: true });
  await expect(usernameField).toBeVisible();
  await expect(passwordField).toBeVisible();
  await expect(submit).toBeVisible();

  await expectNoA11yViolations(page);

  await usernameField.fill(username);
  await passwordField.fill(password);
  await submit.click();

  await page.waitForURL((url) => url.pathname === '/');
  expect(pathOf(page.url())).toBe('/');
  await expect(
    page.getByRole('navigation').getByRole('link', { name: 'Verwaltung', exact: true }).first(),
  ).toBeVisible();

  await expectNoA11yViolations(page);

  await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  expect(pathOf(page.url())).toBe('/login');
  await expect(page.getByLabel('Benutzername', { exact: true })).toBeVisible();
});
