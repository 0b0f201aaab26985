import { expect, test, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';

const adminUser = process.env.ANKOMMEN_E2E_ADMIN_USERNAME || 'admin';
const adminPassword = process.env.ANKOMMEN_E2E_ADMIN_PASSWORD || '';

async function login(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Benutzername', { exact: true }).fill(username);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

test('administrator creates an organisation, a team and a person who then logs in', async ({ page }) => {
  // Several logins and password changes (Argon2 in a debug build): 23–34 s on a slow hour.
  test.slow();
  expect(adminPassword, 'ANKOMMEN_E2E_ADMIN_PASSWORD must be set (run scripts/browser-tests.sh)').not.toBe('');
  const suffix = Date.now().toString().slice(-6);
  const orgName = `Diakonie Neckartal ${suffix}`;
  const username = `m.schulz${suffix}`;

  await login(page, adminUser, adminPassword);
  await expectNoA11yViolations(page);

  // Administration → organisations → a new provider.
  await page.getByRole('navigation').getByRole('link', { name: 'Verwaltung', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Verwaltung' })).toBeVisible();
  await expectNoA11yViolations(page);
  // The intake's value lists: a local residence status, reported as a toleration.
  await page.getByRole('link', { name: 'Auswahllisten der Aufnahme', exact: true }).click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Liste und gemeldet als').selectOption({ label: 'Aufenthaltsstatus – Duldung' });
  await page.getByLabel('Name (Deutsch)').fill(`Ausbildungsduldung ${suffix}`);
  await page.getByLabel('Name (Englisch)').fill(`Training toleration ${suffix}`);
  await page.getByLabel('Reihenfolge (Zahl)').fill('10');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await expect(page.getByRole('cell', { name: `Ausbildungsduldung ${suffix}` })).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Verwaltung', exact: true }).click();
  // A failed save shows the error next to the field and keeps what was typed.
  await page.getByRole('link', { name: 'Gemeinden', exact: true }).click();
  await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS, 8 Ziffern)').fill('0811');
  await page.getByLabel('Name', { exact: true }).fill('Neudorf am See');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await expect(page.getByText('Der AGS hat genau 8 Ziffern, z. B. 08118048.').first()).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Neudorf am See');
  await expectNoA11yViolations(page);
  await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS, 8 Ziffern)').fill(`08990${suffix.slice(-3)}`);
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await expect(page.getByRole('link', { name: 'Neudorf am See' })).toBeVisible();

  await page.getByRole('navigation').getByRole('link', { name: 'Verwaltung', exact: true }).click();
  await page.getByRole('link', { name: 'Organisationen', exact: true }).click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Name', { exact: true }).fill(orgName);
  await page.getByLabel('Art', { exact: true }).selectOption('provider');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: orgName })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Gespeichert.');
  await expectNoA11yViolations(page);

  // A team in it.
  await page.getByLabel('Name des Teams', { exact: true }).fill('Team Mitte');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await expect(page.getByRole('link', { name: 'Team Mitte' })).toBeVisible();

  // A person in that team, as IM.
  await page.getByRole('navigation').getByRole('link', { name: 'Verwaltung', exact: true }).click();
  await page.getByRole('link', { name: 'Neue Person' }).first().click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Name', { exact: true }).fill('Marie Schulz');
  await page.getByLabel('Benutzername', { exact: true }).fill(username);
  await page.getByLabel('Organisation', { exact: true }).selectOption({ label: orgName });
  await page.getByLabel('Team', { exact: true }).selectOption({ label: `${orgName} – Team Mitte` });
  await page.getByLabel('Integrationsmanagement', { exact: true }).check();
  await page.getByLabel('Stellenanteil (z. B. 0,75)').fill('0,5');
  await page.getByRole('button', { name: 'Anlegen' }).click();
  await expect(page.getByRole('heading', { name: 'Einmal-Link zum Festlegen des Passworts' })).toBeVisible();
  const link = (await page.locator('#setup-link').textContent())?.trim() || '';
  expect(link).toMatch(/^\/setup\/[0-9a-f]{64}$/);
  await expectNoA11yViolations(page);

  // The staff list shows the new person as waiting for a password.
  await page.getByRole('link', { name: 'Personen', exact: true }).first().click();
  await expect(page.getByRole('row', { name: /Marie Schulz/ })).toContainText('Passwort noch nicht gesetzt');
  await expectNoA11yViolations(page);

  // The audit log shows what happened.
  await page.getByRole('navigation').getByRole('link', { name: 'Protokoll', exact: true }).click();
  await expect(page.getByRole('cell', { name: 'Konto angelegt', exact: true }).first()).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByRole('button', { name: 'Abmelden', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/login');

  // The new person sets a password with the link and logs in.
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Passwort festlegen' })).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel('Neues Passwort', { exact: true }).fill('Sonnenblumen am Neckar');
  await page.getByLabel('Neues Passwort wiederholen', { exact: true }).fill('Sonnenblumen am Neckar');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  await expect(page.getByRole('status')).toContainText('Ihr Passwort ist gesetzt');

  await login(page, username, 'Sonnenblumen am Neckar');
  const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
  await expect(nav.getByRole('link', { name: 'Start', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Mein Konto', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Verwaltung', exact: true })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Protokoll', exact: true })).toHaveCount(0);
  // The profile is under "Mein Konto".
  await nav.getByRole('link', { name: 'Mein Konto', exact: true }).click();
  await expect(page.getByText(orgName).first()).toBeVisible();
  await expect(page.getByText('Team Mitte').first()).toBeVisible();
  await expectNoA11yViolations(page);

  // Own account and sessions.
  await nav.getByRole('link', { name: 'Mein Konto', exact: true }).click();
  await expectNoA11yViolations(page);
  await page.getByRole('link', { name: 'Meine Sitzungen' }).click();
  await expect(page.getByText('diese Sitzung')).toBeVisible();
  await expectNoA11yViolations(page);

  // The interface in English.
  await page.goto('/account');
  await page.getByLabel('Sprache der Oberfläche').selectOption('en');
  await page.getByRole('button', { name: 'Speichern' }).first().click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expectNoA11yViolations(page);
});

test('keyboard: skip link and visible focus on the login page', async ({ page }) => {
  await page.goto('/login');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Zum Inhalt springen' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Benutzername', { exact: true })).toBeFocused();
});
