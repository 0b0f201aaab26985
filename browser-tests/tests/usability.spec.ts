import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';

// Measured usability (issue 26): the everyday tasks counted in page loads and forms.
// (The search task — from any page, one field and Enter — is in search.spec.ts.)

const today = () => new Date().toISOString().slice(0, 10);

test.describe('integration manager', () => {
  test.use({ user: 'awo.im2' });
  test('from the start page to a saved contact with interpreter and follow-up: 2 page loads, one form', async ({ page }) => {
    await page.goto('/');
    await expectNoA11yViolations(page);
    let loads = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) loads += 1;
    });
    let forms = 0;
    page.on('request', (r) => {
      if (r.isNavigationRequest() && r.method() === 'POST') forms += 1;
    });

    const line = page.locator('#day-due li.due-client').first();
    await expect(line).toBeVisible();
    await line.getByRole('link', { name: /^Kontakt erfassen/ }).click();
    await page.waitForURL((u) => /\/cases\/\d+\/contacts\/new$/.test(u.pathname));
    await page.getByLabel('Art des Kontakts').selectOption({ label: 'Hausbesuch' });
    await page.getByRole('group', { name: 'Dolmetschung' }).getByLabel('Sprache').selectOption('ar');
    await page.getByLabel('Dolmetscher:in').selectOption({ label: 'professionell' });
    await page.getByLabel('Wiedervorlage am').fill(today());
    await page.getByLabel('Anlass').fill('Unterlagen für den Wohnberechtigungsschein mitbringen');
    await page.getByRole('button', { name: 'Speichern', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Der Kontakt wurde erfasst.' })).toBeVisible();

    // The contact form, then the case after saving: two pages, one form.
    expect(loads).toBeLessThanOrEqual(2);
    expect(forms).toBe(1);
    await expect(page.getByText('Unterlagen für den Wohnberechtigungsschein mitbringen').first()).toBeVisible();
    await expectNoA11yViolations(page);
  });
});
