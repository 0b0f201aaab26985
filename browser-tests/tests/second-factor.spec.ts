import { createHmac } from 'node:crypto';
import { test, expect } from './demo-fixture';
import { expectNoA11yViolations } from './axe';
import { DEMO_PASSWORD } from './demo-server';

// The second factor (decision 0038): setting it up under "Mein Konto" with the QR code and the key,
// the recovery codes shown once, the second step of a login with a wrong code and then a recovery
// code, and removing it again. axe runs on every page. The account is the data-protection
// officer's, whom the later specs do not use; the factor is removed at the end.

/** RFC 6238: the six-digit code of a base32 secret now (what an authenticator app shows). */
function totp(base32: string, at: number = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', bytes).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

test.use({ user: 'datenschutz' });

test('sets up a second factor, logs in with a recovery code after a wrong code, and removes it', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await page.goto('/account');
  await page.getByRole('link', { name: 'Zwei-Faktor-Anmeldung', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Zwei-Faktor-Anmeldung' })).toBeVisible();
  await expect(page.getByText('Nicht eingerichtet.')).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByRole('button', { name: 'Zweiten Faktor einrichten', exact: true }).click();
  await expect(page.getByRole('img', { name: 'QR-Code zum Einrichten in der Authenticator-App' })).toBeVisible();
  const key = (await page.locator('code.secret').innerText()).trim();
  expect(key.replace(/\s/g, '')).toHaveLength(32);
  await expectNoA11yViolations(page);
  // A wrong first code: the error by the field, nothing set up.
  await page.getByLabel('Code aus der App', { exact: true }).fill('000000');
  await page.getByRole('button', { name: 'Bestätigen', exact: true }).click();
  await expect(page.getByText('Der Code stimmt nicht.').first()).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel('Code aus der App', { exact: true }).fill(totp(key));
  await page.getByRole('button', { name: 'Bestätigen', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ihre Wiederherstellungscodes' })).toBeVisible();
  const codes = await page.locator('#recovery-codes code').allInnerTexts();
  expect(codes).toHaveLength(10);
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Weiter', exact: true }).click();
  await expect(page.getByText(/Eingerichtet seit/)).toBeVisible();

  // Another browser: the password, then the second step.
  // A fresh browser: no session (a new context would inherit the fixture's signed-in state).
  const other = await browser.newContext({ baseURL, locale: 'de-DE', storageState: { cookies: [], origins: [] } });
  const second = await other.newPage();
  await second.goto('/login');
  await second.getByLabel('Benutzername', { exact: true }).fill('datenschutz');
  await second.getByLabel('Passwort', { exact: true }).fill(DEMO_PASSWORD);
  await second.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await second.waitForURL((url) => url.pathname === '/login/second-factor');
  await expect(second.getByRole('heading', { level: 1, name: 'Bestätigungscode' })).toBeVisible();
  await expectNoA11yViolations(second);
  const code = second.getByLabel('Code aus der App', { exact: true });
  await code.fill('123456');
  await second.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(second.getByRole('alert')).toContainText('Der Code stimmt nicht.');
  await expectNoA11yViolations(second);
  await second.getByLabel('Code aus der App', { exact: true }).fill(codes[0]);
  await second.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await second.waitForURL((url) => url.pathname === '/');
  await other.close();

  // Removed with another recovery code: the password alone logs in again.
  await page.goto('/account/second-factor');
  await expect(page.getByText('Noch 9 Wiederherstellungscodes.')).toBeVisible();
  await page.getByLabel('Code aus der App oder Wiederherstellungscode', { exact: true }).fill(codes[1]);
  await page.getByRole('button', { name: 'Entfernen', exact: true }).click();
  await expect(page.getByText('Der zweite Faktor ist entfernt.')).toBeVisible();
  await expect(page.getByText('Nicht eingerichtet.')).toBeVisible();
});
