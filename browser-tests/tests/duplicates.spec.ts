import { type Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';
import { expect, fillMinimum, nav, post, test } from './demo-fixture';

// Duplicate people (issue 22): an IM registers a client a second time in another spelling
// (deliberately past the hint), finds the pair under "Mögliche Doppelungen", reviews it side by
// side and merges it; the absorbed record's link leads to the one kept. axe on every page.

test.describe.configure({ mode: 'serial' });
test.use({ actionTimeout: 5_000, navigationTimeout: 10_000, user: 'awo.im1' });

async function register(page: Page, given: string, family: string, birth: string, anyway: boolean) {
  await page.goto('/clients/new');
  await fillMinimum(page, given, family, '', birth);
  await page.getByLabel('Gemeinde', { exact: true }).selectOption({ label: 'Bergfelden' });
  await page.getByRole('radio', { name: 'Anschlussunterbringung', exact: true }).check();
  if (anyway) {
    // The hint first; then registering anyway is a deliberate second step.
    expect(await post(page, page.getByRole('button', { name: 'Aufnehmen', exact: true }))).toBe(409);
    await page.getByRole('checkbox', { name: /andere Person/ }).check();
  }
  await page.getByRole('button', { name: 'Aufnehmen', exact: true }).click();
  await page.waitForURL(/\/clients\/\d+$/);
  return new URL(page.url()).pathname;
}

test('an IM reviews a possible duplicate side by side and merges it', async ({ page }) => {
  const first = await register(page, 'Samira', 'Youssef', '14.02.1988', false);
  const second = await register(page, 'Samira', 'Jussuf', '1988', true);
  expect(second).not.toBe(first);

  await page.goto('/');
  await nav(page).getByRole('link', { name: 'Doppelungen', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/duplicates');
  await expect(page.getByRole('heading', { level: 1, name: 'Mögliche Doppelungen' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'Samira Jussuf' });
  await expect(row).toContainText('Samira Youssef');
  await expect(row).toContainText('andere Schreibweise');
  await expectNoA11yViolations(page);

  await row.getByRole('link', { name: /^Prüfen/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Mögliche Doppelung prüfen' })).toBeVisible();
  const table = page.getByRole('table');
  await expect(table.getByRole('rowheader', { name: 'Name', exact: true })).toBeVisible();
  await expect(table).toContainText('Samira Youssef');
  await expect(table).toContainText('Samira Jussuf');
  await expectNoA11yViolations(page);

  // Keep the record with the full date of birth, by keyboard.
  await page.getByRole('radio', { name: /Samira Youssef/ }).check();
  await page.getByRole('button', { name: 'Zusammenführen', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === first);
  await expect(page.getByRole('status').filter({ hasText: 'zusammengeführt' })).toBeVisible();
  await expectNoA11yViolations(page);

  // The absorbed record's link leads to the one kept; the pair is gone from the list.
  await page.goto(second);
  await expect(page).toHaveURL(new RegExp(`${first}$`));
  await page.goto('/duplicates');
  await expect(page.getByText('Samira Jussuf')).toHaveCount(0);
  await expectNoA11yViolations(page);
});
