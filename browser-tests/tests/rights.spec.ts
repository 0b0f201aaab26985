import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';

// The data subject's rights (decision 0023): the IM records a client's erasure request from the
// case page on its own form page (a bad date is refused with what was typed kept), and the
// data-protection officer sees the requests under Datenschutz. axe runs on every page.

const today = () => new Date().toISOString().slice(0, 10);

test.describe('integration manager', () => {
  test.use({ user: 'caritas.im' });
  test("records a client's erasure request from the case page", async ({ page }) => {
    await page.goto('/cases');
    const hrefs = await page
      .locator('a[href^="/cases/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    const casePath = hrefs.find((h) => /^\/cases\/\d+$/.test(h));
    expect(casePath).toBeTruthy();
    await page.goto(casePath!);
    await page.getByRole('link', { name: 'Löschantrag der Person (Art. 17)', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Löschantrag (Art. 17 DSGVO)' })).toBeVisible();
    await expectNoA11yViolations(page);

    const received = page.getByLabel('Antrag eingegangen am');
    await received.fill('2099-01-01');
    await page.getByRole('button', { name: 'Antrag erfassen', exact: true }).click();
    await expect(page.getByText('Bitte ein Datum bis heute.').first()).toBeVisible();
    await expect(page.getByLabel('Antrag eingegangen am')).toHaveValue('2099-01-01');
    await expectNoA11yViolations(page);

    await page.getByLabel('Antrag eingegangen am').fill(today());
    await page.getByRole('button', { name: 'Antrag erfassen', exact: true }).click();
    await expect(page.getByText('Der Löschantrag ist erfasst.', { exact: false })).toBeVisible();
    await expect(page.locator('#erasure-pending')).toContainText('wartet auf die Entscheidung');
    await expect(page.getByText('entscheiden muss eine zweite Person', { exact: false }).first()).toBeVisible();
    await expectNoA11yViolations(page);
  });
});

// Art. 18 (decision 0027): a colleague no other spec uses restricts a case and lifts it again.
test.describe('integration manager restricting processing', () => {
  test.use({ user: 'awo.im2' });
  test('restricts a case: read-only, out of the caseload, found under due erasures; then lifts it', async ({ page }) => {
    await page.goto('/cases');
    const hrefs = await page
      .locator('a[href^="/cases/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    const casePath = hrefs.filter((h) => /^\/cases\/\d+$/.test(h)).pop();
    expect(casePath).toBeTruthy();
    await page.goto(casePath!);
    await page.getByRole('link', { name: 'Einschränkung der Verarbeitung (Art. 18)', exact: true }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: 'Einschränkung der Verarbeitung (Art. 18 DSGVO)' }),
    ).toBeVisible();
    await expectNoA11yViolations(page);

    // No ground chosen, a date in the future: both refused, the date kept.
    await page.getByLabel('Verlangt am').fill('2099-01-01');
    await page.getByRole('button', { name: 'Einschränkung vermerken', exact: true }).click();
    await expect(page.getByText('Bitte einen Grund aus der Liste wählen.').first()).toBeVisible();
    await expect(page.getByLabel('Verlangt am')).toHaveValue('2099-01-01');
    await expectNoA11yViolations(page);

    await page.getByLabel('Die Person bestreitet die Richtigkeit der Daten', { exact: false }).check();
    await page.getByLabel('Verlangt am').fill(today());
    await page.getByRole('button', { name: 'Einschränkung vermerken', exact: true }).click();
    await expect(page.getByText('Die Einschränkung ist vermerkt', { exact: false })).toBeVisible();
    await expect(page.locator('#restriction-active')).toBeVisible();

    await page.goto(casePath!);
    await expect(page.locator('#case-restricted')).toContainText('Verarbeitung eingeschränkt');
    await expectNoA11yViolations(page);
    await page.goto('/cases');
    await expect(page.locator(`a[href="${casePath}"]`)).toHaveCount(0);
    await page.goto('/retention');
    await expect(page.getByRole('heading', { name: 'Eingeschränkte Fälle' })).toBeVisible();
    await expectNoA11yViolations(page);

    await page.goto(`/retention${casePath}/restriction`);
    await page.getByRole('button', { name: 'Einschränkung aufheben', exact: true }).click();
    await expect(page.getByText('Die Einschränkung ist aufgehoben.', { exact: false })).toBeVisible();
    await expect(page.locator('#case-restricted')).toHaveCount(0);
    await page.goto('/cases');
    await expect(page.locator(`a[href="${casePath}"]`).first()).toBeVisible();
  });
});

test.describe('data-protection officer', () => {
  test.use({ user: 'datenschutz' });
  test('sees the erasure requests', async ({ page }) => {
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Löschanträge', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Löschanträge' })).toBeVisible();
    await expectNoA11yViolations(page);
  });
  test('sees the restrictions of processing', async ({ page }) => {
    await page.goto('/privacy');
    await page.getByRole('link', { name: 'Einschränkungen der Verarbeitung', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Einschränkungen der Verarbeitung' })).toBeVisible();
    await expectNoA11yViolations(page);
  });
});
