import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';

const adminUser = process.env.ANKOMMEN_E2E_ADMIN_USERNAME || 'admin';
const adminPassword = process.env.ANKOMMEN_E2E_ADMIN_PASSWORD || '';

async function noSidewaysScrolling(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `page ${page.url()} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

// A tablet on a home visit, and a desktop at 200 % zoom (1280 px wide at 200 % = 640 CSS px).
for (const [name, size] of [
  ['tablet', { width: 768, height: 1024 }],
  ['200 % zoom', { width: 640, height: 400 }],
] as const) {
  test(`pages fit a ${name} without sideways scrolling`, async ({ page }) => {
    expect(adminPassword).not.toBe('');
    await page.setViewportSize(size);
    await page.goto('/login');
    await noSidewaysScrolling(page);
    await page.getByLabel('Benutzername', { exact: true }).fill(adminUser);
    await page.getByLabel('Passwort', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    for (const path of ['/', '/admin', '/admin/staff', '/admin/staff/new', '/admin/organisations', '/account', '/account/sessions']) {
      await page.goto(path);
      await noSidewaysScrolling(page);
      // Everything stays reachable: the logout button is on screen or reachable by scrolling down.
      await expect(page.getByRole('button', { name: 'Abmelden', exact: true })).toBeVisible();
    }
    await expectNoA11yViolations(page);
  });
}

test('keyboard focus is always visible', async ({ page }) => {
  await page.goto('/login');
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'none';
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    expect(outline, `focused element ${i + 1} has no visible outline`).toMatch(/^(solid|auto|dashed|dotted) [1-9]/);
  }
});
