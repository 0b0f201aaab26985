import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';

// Search from anywhere (issue 26): from any page, one field and Enter find a client by a
// misspelled or differently transliterated name. The query is posted, never put into the URL.

test.describe('integration manager', () => {
  test.use({ user: 'awo.im1' });
  test('finds a client by another spelling with one field and Enter', async ({ page }) => {
    await page.goto('/account');
    const field = page.getByRole('searchbox', { name: 'Klient:in oder Fallnummer suchen' });
    await expect(field).toBeVisible();
    await expectNoA11yViolations(page);

    await field.fill('Iryna Schewtschenko');
    await field.press('Enter');
    await expect(page.getByText('Shevchenko', { exact: false }).first()).toBeVisible();
    expect(page.url()).not.toContain('Schewtschenko');
    expect(page.url()).not.toContain('?');
    await expectNoA11yViolations(page);
  });
});
