import { expectNoA11yViolations } from './axe';
import { expect, test } from './demo-fixture';

// The calendar (issue 24, decision 0035): an IM opens the week view, moves between weeks by
// keyboard only, and creates the secret subscription address on the account page. axe runs on
// every page visited.

test.describe.configure({ mode: 'serial' });
test.use({ actionTimeout: 5_000, navigationTimeout: 10_000, user: 'awo.im1' });

test('the IM opens the week and moves between weeks by keyboard', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Kalender', exact: true }).click();
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('Kalender: KW');
  const first = await heading.textContent();
  await expectNoA11yViolations(page);

  // Keyboard: focus the link to the next week and follow it with Enter.
  const next = page.getByRole('link', { name: 'Nächste Woche', exact: true });
  await next.focus();
  await expect(next).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(heading).not.toHaveText(first ?? '');
  await expectNoA11yViolations(page);

  // And back, to today's week.
  const today = page.getByRole('link', { name: 'Heute', exact: true });
  await today.focus();
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText(first ?? '');

  // The day view.
  await page.getByRole('link', { name: 'Tag zeigen', exact: true }).click();
  await expect(heading).toContainText('Kalender:');
  await expectNoA11yViolations(page);
});

test('the IM creates the subscription address, shown once', async ({ page }) => {
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Kalender abonnieren' });
  await expect(section).toContainText('keine Namen');
  await expectNoA11yViolations(page);
  await section.getByRole('button', { name: 'Abonnement anlegen', exact: true }).click();
  const url = page.getByLabel('Adresse für Ihre Kalender-App', { exact: true });
  await expect(url).toHaveValue(/\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
  await expectNoA11yViolations(page);
  // The address works without a session and carries no names.
  const address = await url.inputValue();
  const res = await page.request.get(new URL(address).pathname, { headers: { cookie: '' } });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain('BEGIN:VCALENDAR');
  // Shown once: the page opened again does not show it.
  await page.goto('/account');
  await expect(page.getByLabel('Adresse für Ihre Kalender-App', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Abonnement widerrufen', exact: true })).toBeVisible();
});
