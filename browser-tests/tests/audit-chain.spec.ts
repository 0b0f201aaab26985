import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';

// The audit log's hash chain on the data-protection officer's desk (decision 0019). The demo
// server verifies the chain when it starts, so the page shows an intact chain with its head.
test.describe('data-protection officer', () => {
  test.use({ user: 'datenschutz' });
  test('sees the last verification of the audit chain', async ({ page }) => {
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Prüfkette des Protokolls', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Prüfkette des Protokolls' })).toBeVisible();
    // The verification at start runs beside the first requests: reload until it is on record.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('heading', { level: 2, name: 'Die Kette ist unversehrt' })).toBeVisible({ timeout: 500 });
    }).toPass({ timeout: 10_000 });
    await expect(page.getByText('den Server (beim Start und täglich)')).toBeVisible();
    await expect(page.locator('code.hash')).toHaveText(/^[0-9a-f]{64}$/);
    await expectNoA11yViolations(page);
  });
});
