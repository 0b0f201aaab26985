import { type Locator, type Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';
import {
  expect,
  fillMinimum,
  heute,
  login,
  nav,
  post,
  section,
  submitWithoutBrowserValidation,
  test,
  today,
} from './demo-fixture';

// An integration manager's Monday morning, in the German interface, against the demo county
// (its own `serve --demo`, see demo-server.ts): register an Arabic-named client, record consent,
// fill the intake, add a household member, record a release, print the forms, note health needs,
// close the case; then the data-protection officer answers a request about the same person.
// axe runs on every page visited, error states included.
//
// The tests build on one record, so they run in order, in one worker, against one demo server.

test.describe.configure({ mode: 'serial' });
// A missing element fails within seconds, not at the 30 s test timeout.
test.use({ actionTimeout: 5_000, navigationTimeout: 10_000 });

const IM = 'awo.im1';
const IM_NAME = 'Ahmad Karimi';
const DPO = 'datenschutz';

const GIVEN = 'Yasmin';
const FAMILY = 'Darwish';
const ORIGINAL = 'ياسمين درويش';
const FULL = `${GIVEN} ${FAMILY}`;

/** Filled in by the first test, used by the others. */
let record = '';

function recordPath(): string {
  expect(record, 'the registration test must have run first').not.toBe('');
  return record;
}

/** Opens the record of the client registered in the first test. */
async function openRecord(page: Page) {
  await page.goto(recordPath());
  await expect(page.getByRole('heading', { level: 1 })).toContainText(FULL);
}

test.describe('signed out', () => {
  test.use({ user: '' }); // (undefined would mean the default)

  test('IM signs in, opens the caseload and registers an Arabic-named client', async ({ page }) => {
    await login(page, IM);
    await expectNoA11yViolations(page);

    await nav(page).getByRole('link', { name: 'Fälle', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/cases');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The demo caseload of this IM.
    await expect(page.getByRole('link', { name: 'Mohammad Haddad' }).first()).toBeVisible();
    await expectNoA11yViolations(page);

    await page.getByRole('link', { name: 'Neue Klient:in aufnehmen' }).click();
    await page.waitForURL((url) => url.pathname === '/clients/new');
    await expect(page.getByRole('heading', { level: 1, name: 'Neue Klient:in aufnehmen' })).toBeVisible();
    await expectNoA11yViolations(page);

    // Empty: the browser refuses first (required fields) ...
    const submit = page.getByRole('button', { name: 'Aufnehmen', exact: true });
    await submit.click();
    expect(new URL(page.url()).pathname).toBe('/clients/new');
    const given = page.getByLabel('Vorname(n)', { exact: true });
    expect(await given.evaluate((e) => (e as HTMLInputElement).validity.valueMissing)).toBe(true);
    // ... and the server answers with an error summary that links to the marked fields.
    await submitWithoutBrowserValidation(submit);
    const summary = page.getByRole('alert').filter({ hasText: 'Bitte prüfen Sie Ihre Eingaben' });
    await expect(summary).toBeVisible();
    for (const field of ['given_name', 'family_name', 'birth']) {
      await expect(summary.locator(`a[href="#f-${field}"]`)).toHaveCount(1);
      await expect(page.locator(`#f-${field}`)).toHaveAttribute('aria-invalid', 'true');
    }
    // Each line of the summary names its field by the label the form shows.
    await expect(summary.locator('a[href="#f-family_name"]')).toHaveText('Familienname: Bitte ausfüllen.');
    await expect(summary.locator('a[href="#f-given_name"]')).toHaveText('Vorname(n): Bitte ausfüllen.');
    await expect(given).toHaveAccessibleDescription('Bitte ausfüllen.');
    await expect(page.getByLabel('Geburtsjahr oder Geburtsdatum')).toHaveAccessibleDescription(/Nur das Jahr.*Bitte ausfüllen\./);
    // Hints belong to their fields.
    await expect(page.getByLabel('Begründung bei Personen außerhalb der Zielgruppe')).toHaveAccessibleDescription(/außerhalb der Zielgruppe/);
    await expect(page.getByLabel('Beginn der 3-Jahres-Frist (falls abweichend)')).toHaveAccessibleDescription(/Leer lassen/);
    // A link in the summary takes the keyboard to its field.
    await summary.locator('a[href="#f-family_name"]').click();
    await expect(page.getByLabel('Familienname', { exact: true })).toBeFocused();
    await expectNoA11yViolations(page);

    await fillMinimum(page, GIVEN, FAMILY, ORIGINAL, '1994');
    await page.getByLabel('Gemeinde', { exact: true }).selectOption({ label: 'Bergfelden' });
    await page.getByRole('radio', { name: 'Anschlussunterbringung', exact: true }).check();
    await submit.click();

    await page.waitForURL(/\/clients\/\d+$/);
    record = new URL(page.url()).pathname;
    await expect(page.getByRole('status').filter({ hasText: 'aufgenommen' })).toBeVisible();
    const h1 = page.getByRole('heading', { level: 1 });
    await expect(h1).toContainText(FULL);
    await expect(h1).toContainText(ORIGINAL);
    // The Arabic spelling is isolated, so it keeps its own direction inside the German line.
    await expect(h1.locator('[dir="auto"]', { hasText: ORIGINAL })).toHaveCount(1);
    await expect(section(page, 'Einwilligung (DSGVO)')).toContainText('Noch keine Einwilligung');
    await expect(page.getByRole('definition').filter({ hasText: 'Bergfelden' })).toBeVisible();
    await expectNoA11yViolations(page);
  });
});

/** Registers the same person again under another spelling: the hint, a link to the record, no new record. */
async function expectDuplicateHint(page: Page, given: string, family: string) {
  await page.goto('/clients/new');
  await fillMinimum(page, given, family, '', '1994');
  expect(await post(page, page.getByRole('button', { name: 'Aufnehmen', exact: true })), 'a new record was created').toBe(409);

  const hint = section(page, 'Mögliche Doppelung');
  await expect(hint).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Es gibt möglicherweise schon einen Eintrag');
  const link = hint.getByRole('link', { name: FULL });
  await expect(link).toHaveAttribute('href', recordPath());
  // What was typed stays; registering anyway is a deliberate, separate step.
  await expect(page.getByLabel('Vorname(n)', { exact: true })).toHaveValue(given);
  await expect(page.getByLabel('Familienname', { exact: true })).toHaveValue(family);
  await expect(page.getByRole('checkbox', { name: /andere Person/ })).not.toBeChecked();
  await expectNoA11yViolations(page);
  await link.click();
  await expect(page).toHaveURL(new RegExp(`${recordPath()}$`));
}

test('registering her again as "Yasmeen Darwish" shows the possible duplicate', async ({ page }) => {
  await expectDuplicateHint(page, 'Yasmeen', FAMILY);
});

test('registering her again in German spelling, "Jasmin Darwisch", shows the possible duplicate', async ({ page }) => {
  // The usual German spellings of Arabic names (J for ي, sch for ش) must be caught by the check.
  await expectDuplicateHint(page, 'Jasmin', 'Darwisch');
});

test('consent in Arabic, signed on paper, with the scan', async ({ page }) => {
  await openRecord(page);
  await section(page, 'Einwilligung (DSGVO)').getByRole('link', { name: 'Einwilligung erfassen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Einwilligung erfassen' })).toBeVisible();
  await expect(page.getByText(ORIGINAL).first()).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByLabel('Sprache des unterschriebenen Formulars').selectOption({ label: 'Arabisch' });
  await expect(page.getByLabel('Unterschrieben am')).toHaveValue(today());
  await page.getByRole('radio', { name: 'auf Papier unterschrieben und eingescannt' }).check();
  const scan = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  await page.getByLabel('Scan des unterschriebenen Formulars').setInputFiles({
    name: 'einwilligung-darwish.pdf',
    mimeType: 'application/pdf',
    buffer: scan,
  });
  await page.getByRole('button', { name: 'Einwilligung speichern' }).click();

  await page.waitForURL((url) => url.pathname === recordPath());
  await expect(page.getByRole('status').filter({ hasText: 'Die Einwilligung ist gespeichert.' })).toBeVisible();
  const consent = section(page, 'Einwilligung (DSGVO)');
  await expect(consent).toContainText('Einwilligung liegt vor');
  await expect(consent).toContainText('Arabisch');
  // The scan comes back exactly as uploaded.
  const href = await consent.getByRole('link', { name: 'Unterschriebene Einwilligung herunterladen' }).getAttribute('href');
  const res = await page.request.get(href as string);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  expect((await res.body()).equals(scan)).toBe(true);
  await expectNoA11yViolations(page);
});

test('intake: a wrong phone number keeps everything typed, then the data shows on the record', async ({ page }) => {
  await openRecord(page);
  await page.getByRole('link', { name: 'Freiwillige Angaben bearbeiten' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Freiwillige Angaben');
  await expectNoA11yViolations(page);

  await page.getByLabel('Staatsangehörigkeit').selectOption({ label: 'Syrien' });
  await page.getByLabel('Sprache 1', { exact: true }).selectOption({ label: 'Arabisch' });
  await page.getByLabel('Niveau (Sprache 1)').selectOption({ label: 'Muttersprache' });
  await page.getByLabel('Deutschniveau (GER)').selectOption({ label: 'A2' });
  await page.getByLabel('Beruf', { exact: true }).fill('Schneiderin');
  await page.getByRole('checkbox', { name: 'Bürgergeld (SGB II)' }).check();
  await page.getByRole('checkbox', { name: 'Kindergeld' }).check();
  await page.getByLabel('Einreise nach Deutschland am').fill('2023-04-17');
  await page.getByLabel('Krankenversicherung', { exact: true }).selectOption({ label: 'Gesetzlich versichert (GKV)' });
  await page.getByLabel('Krankenkasse (Name, falls bekannt)').fill('AOK');
  const phone = page.getByLabel('Telefon', { exact: true });
  await phone.fill('call me');
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(422);

  await expect(page.getByRole('alert')).toContainText('Bitte nur Ziffern');
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription(/Bitte nur Ziffern/);
  await expect(phone).toHaveValue('call me');
  // Styled like the other fields: readable and a large enough target.
  expect((await phone.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
  await expect(page.getByLabel('Staatsangehörigkeit')).toHaveValue('SYR');
  await expect(page.getByLabel('Sprache 1', { exact: true })).toHaveValue('ar');
  await expect(page.getByLabel('Niveau (Sprache 1)')).toHaveValue('native');
  await expect(page.getByLabel('Deutschniveau (GER)')).toHaveValue('A2');
  await expect(page.getByLabel('Beruf', { exact: true })).toHaveValue('Schneiderin');
  await expect(page.getByRole('checkbox', { name: 'Bürgergeld (SGB II)' })).toBeChecked();
  await expect(page.getByLabel('Einreise nach Deutschland am')).toHaveValue('2023-04-17');
  await expectNoA11yViolations(page);

  await phone.fill('+49 7131 123456');
  await page.getByRole('button', { name: 'Speichern', exact: true }).click();
  await page.waitForURL((url) => url.pathname === recordPath());
  const intake = section(page, 'Freiwillige Angaben');
  for (const shown of ['Syrien', 'Arabisch (Muttersprache)', 'A2', 'Schneiderin', 'Bürgergeld (SGB II), Kindergeld', '17.04.2023', 'Gesetzlich versichert (GKV) – AOK', '+49 7131 123456']) {
    await expect(intake).toContainText(shown);
  }
  await expectNoA11yViolations(page);
});

test('a child joins the household and the shared case', async ({ page }) => {
  await openRecord(page);
  await page.getByRole('link', { name: 'Haushaltsmitglied hinzufügen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Haushaltsmitglied hinzufügen' })).toBeVisible();
  await expectNoA11yViolations(page);

  await fillMinimum(page, 'Lina', FAMILY, 'لينا درويش', '2019');
  await page.getByLabel('Beziehung', { exact: true }).selectOption({ label: 'Kind' });
  await page.getByRole('radio', { name: /^Im gemeinsamen Fall/ }).check();
  await page.getByRole('button', { name: 'Hinzufügen', exact: true }).click();

  await page.waitForURL((url) => url.pathname === recordPath());
  const household = section(page, 'Haushalt / Familie');
  const lina = household.getByRole('listitem').filter({ hasText: `Lina ${FAMILY}` });
  await expect(lina).toContainText('Kind');
  await expect(lina).toContainText('minderjährig');
  await expectNoA11yViolations(page);

  await household.getByRole('link', { name: 'Ganzen Haushalt anzeigen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Haushalt' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Mitglieder des Haushalts' });
  await expect(table.getByRole('row', { name: new RegExp(FULL) })).toContainText('nein');
  await expect(table.getByRole('row', { name: new RegExp(`Lina ${FAMILY}`) })).toContainText('Kind');
  await expect(table.getByRole('row', { name: new RegExp(`Lina ${FAMILY}`) })).toContainText('ja');
  await expectNoA11yViolations(page);
});

test('a release for the job centre, valid from today', async ({ page }) => {
  await openRecord(page);
  await page.getByRole('link', { name: 'Schweigepflichtentbindung erfassen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Schweigepflichtentbindung erfassen' })).toBeVisible();
  await expectNoA11yViolations(page);

  await page.getByRole('radio', { name: /^Andere Stelle/ }).check();
  await page.getByLabel('Name der Stelle').fill('Jobcenter Neckartal');
  await page.getByLabel('Art der Stelle').selectOption({ label: 'Jobcenter' });
  await page.getByRole('checkbox', { name: /^Personalien/ }).check();
  await page.getByRole('checkbox', { name: 'Berufserfahrung und Arbeit' }).check();
  await page.getByLabel('Zweck', { exact: true }).fill('Vermittlung in einen Berufssprachkurs und in Arbeit');
  await expect(page.getByLabel('Gültig ab')).toHaveValue(today());
  await page.getByRole('button', { name: 'Schweigepflichtentbindung speichern' }).click();

  await page.waitForURL(/\/releases\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Schweigepflichtentbindung' })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'gültig' }).first()).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'Jobcenter Neckartal' })).toContainText('Jobcenter');
  // The page names the person it is about.
  await expect(page.locator('main')).toContainText(FULL);
  await expectNoA11yViolations(page);

  await page.getByRole('link', { name: 'Zurück zur Akte' }).click();
  const row = section(page, 'Schweigepflichtentbindungen').getByRole('row', { name: /Jobcenter Neckartal/ });
  await expect(row).toContainText('gültig');
  await expect(row).toContainText('bis auf Widerruf');
  await expect(row).toContainText('Personalien');
  await expect(row).toContainText('Berufserfahrung und Arbeit');
  await expectNoA11yViolations(page);
});

test('printing the forms: the consent in Arabic as PDF', async ({ page }) => {
  await openRecord(page);
  await section(page, 'Schweigepflichtentbindungen').getByRole('link', { name: /^Formulare drucken/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Formulare drucken' })).toBeVisible();

  const table = page.getByRole('table', { name: 'Sprachen der Formulare' });
  const arabic = table.getByRole('row').filter({ has: page.locator('th [lang="ar"]') });
  await expect(arabic).toHaveCount(1);
  await expect(arabic.getByRole('rowheader')).toContainText('العربية');
  await expect(arabic.locator('th [lang="ar"]')).toHaveAttribute('dir', 'rtl');
  // The Arabic text is a draft: the chooser says so.
  await expect(arabic.getByRole('cell').first()).toHaveText('Übersetzung nicht geprüft');
  // The release just recorded can be printed too.
  await expect(table.getByRole('columnheader', { name: /Jobcenter Neckartal/ })).toBeVisible();
  await expectNoA11yViolations(page);

  const href = await arabic.getByRole('link', { name: /^Einwilligung \(PDF\)/ }).getAttribute('href');
  expect(href).toMatch(/\/forms\/consent\?lang=ar$/);
  const res = await page.request.get(href as string);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/pdf');
  const body = await res.body();
  expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(body.length).toBeGreaterThan(10_000);
});

test('health needs: opening is logged, the text never shows on the record', async ({ page }) => {
  const canary = 'Diabetes Typ 2 (Kanarienvogel-7f3a)';
  await openRecord(page);
  const health = section(page, 'Gesundheit (besondere Kategorie)');
  await expect(health).toContainText('Jedes Öffnen wird protokolliert.');
  await health.getByRole('button', { name: 'Gesundheitsangaben erfassen' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toContainText('Gesundheitliche Bedarfe');
  await expect(page.getByText('Das Öffnen wurde protokolliert.')).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel('Gesundheitliche Bedarfe', { exact: true }).fill(canary);
  await page.getByRole('button', { name: 'Speichern', exact: true }).click();

  await page.waitForURL((url) => url.pathname === recordPath());
  await expect(section(page, 'Gesundheit (besondere Kategorie)')).toContainText('Es sind Angaben gespeichert');
  await expect(page.getByRole('button', { name: 'Gesundheitsangaben öffnen' })).toBeVisible();
  expect(await page.content()).not.toContain('Kanarienvogel-7f3a');
  await expectNoA11yViolations(page);
});

test('the case: open it from the record and close it, goals reached', async ({ page }) => {
  await openRecord(page);
  const cases = section(page, 'Fälle');
  await expect(cases).toContainText('aktiv');
  await cases.getByRole('link', { name: /^Fall / }).first().click();
  await page.waitForURL(/\/cases\/\d+$/);
  const casePath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Both people of the shared case, in the header and in the list of persons.
  await expect(page.locator('#who').getByRole('link', { name: FULL })).toBeVisible();
  await expect(page.locator('#who').getByRole('link', { name: `Lina ${FAMILY}` })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(FULL);
  await expectNoA11yViolations(page);

  // Closing is a rare action: its button opens its form on a page of its own.
  await page.getByRole('region', { name: 'Weitere Aktionen' }).getByRole('link', { name: 'Fall abschließen' }).click();
  await page.waitForURL((url) => url.pathname === `${casePath}/close`);
  await expect(page.locator('#who').getByRole('link', { name: FULL })).toBeVisible();
  // A reason that needs a note, without one: the error is shown in the closing form.
  let close = page.getByRole('group', { name: 'Fall abschließen' });
  await close.getByLabel('Abgeschlossen am').fill(today());
  await close.getByLabel('Grund', { exact: true }).selectOption({ label: 'Mangelnde Mitwirkung nach Gespräch' });
  expect(await post(page, close.getByRole('button', { name: 'Abschließen', exact: true }))).toBe(422);
  close = page.getByRole('group', { name: 'Fall abschließen' });
  await expect(close).toContainText('Bei diesem Grund ist eine Notiz nötig');
  await expect(close.getByLabel('Notiz zum Abschluss')).toHaveAttribute('aria-invalid', 'true');
  await expectNoA11yViolations(page);

  await close.getByLabel('Abgeschlossen am').fill(today());
  await close.getByLabel('Grund', { exact: true }).selectOption({ label: 'Ziele erreicht' });
  await close.getByRole('button', { name: 'Abschließen', exact: true }).click();

  await page.waitForURL((url) => url.pathname === casePath);
  await expect(page.getByRole('definition').filter({ hasText: 'abgeschlossen' }).first()).toContainText('Ziele erreicht');
  await expect(page.getByRole('group', { name: 'Fall abschließen' })).toHaveCount(0);
  await expectNoA11yViolations(page);

  await page.goto(recordPath());
  await expect(section(page, 'Fälle')).toContainText('abgeschlossen');
  await expectNoA11yViolations(page);
});

test.describe('data-protection officer', () => {
  test.use({ user: DPO });

  async function lookUp(page: Page, name: string) {
    await page.goto('/privacy');
    await page.getByLabel(/^Vollständiger Name/).fill(name);
    await page.getByLabel('Geburtsjahr', { exact: true }).fill('1994');
    await page.getByLabel('Anlass', { exact: true }).fill(`Auskunftsersuchen nach Art. 15 DSGVO vom ${heute()}`);
    await page.getByRole('button', { name: 'Suchen', exact: true }).click();
    return page.getByRole('region', { name: /Treffer/ });
  }

  test('a request about "Yasmin Darvish": the record opens and its access log names the IM', async ({ page }) => {
    await page.goto('/');
    await nav(page).getByRole('link', { name: 'Betroffenenanfragen', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/privacy');
    await expect(page.getByRole('heading', { level: 1, name: 'Betroffenenanfragen' })).toBeVisible();
    await expectNoA11yViolations(page);

    // Without a reason there is no search, and what was typed stays.
    await page.getByLabel(/^Vollständiger Name/).fill('Yasmin Darvish');
    await page.getByLabel('Geburtsjahr', { exact: true }).fill('1994');
    await submitWithoutBrowserValidation(page.getByRole('button', { name: 'Suchen', exact: true }));
    await expect(page.getByRole('alert')).toContainText('Bitte prüfen Sie Ihre Eingaben');
    await expect(page.getByLabel('Anlass', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel(/^Vollständiger Name/)).toHaveValue('Yasmin Darvish');
    await expectNoA11yViolations(page);

    const hits = await lookUp(page, 'Yasmin Darvish');
    await expect(hits.getByRole('heading')).toHaveText('Ein Treffer');
    await expect(hits).toContainText(FULL);
    await expect(hits).toContainText(ORIGINAL);
    await expectNoA11yViolations(page);

    await hits.getByRole('button', { name: new RegExp(`^Akte für die Anfrage öffnen ?: ${FULL}$`) }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Akte für eine Betroffenenanfrage' })).toBeVisible();
    await expect(page.getByRole('definition').filter({ hasText: ORIGINAL })).toBeVisible();
    const log = section(page, 'Zugriffe auf die Akte');
    await expect(log.getByRole('cell', { name: IM_NAME, exact: true }).first()).toBeVisible();
    // What was done, in words.
    await expect(log.getByRole('cell', { name: 'Person erfasst', exact: true })).toBeVisible();
    await expect(section(page, 'Bisherige Anfragen')).toContainText('Auskunftsersuchen nach Art. 15 DSGVO');
    await expectNoA11yViolations(page);
  });

  test('a request about "Jasmin Darvish" (German J) finds her', async ({ page }) => {
    const hits = await lookUp(page, 'Jasmin Darvish');
    await expect(hits.getByRole('heading')).toHaveText('Ein Treffer', { timeout: 1_000 });
    await expect(hits).toContainText(FULL);
  });

  test('a request without a match says so', async ({ page }) => {
    const hits = await lookUp(page, 'Niemand Unbekannt');
    await expect(hits.getByRole('heading')).toHaveText('Keine Treffer');
    await expect(hits).toContainText('Keine Person gefunden');
    await expectNoA11yViolations(page);
  });
});

test('keyboard only: register a client, focus visible at every stop', async ({ page }) => {
  await page.goto('/clients/new');

  async function tab() {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'nothing focused';
      const s = getComputedStyle(el);
      return `${s.outlineStyle} ${s.outlineWidth} on <${el.tagName.toLowerCase()} ${el.id || el.getAttribute('name') || ''}>`;
    });
    expect(focus, `focus not visible: ${focus}`).toMatch(/^(solid|auto|dashed|dotted) [1-9]/);
  }
  async function tabTo(target: Locator, max: number) {
    for (let i = 0; i < max && !(await target.evaluate((e) => e === document.activeElement)); i++) await tab();
    await expect(target).toBeFocused();
  }

  await tab();
  await expect(page.getByRole('link', { name: 'Zum Inhalt springen' })).toBeFocused();
  await page.keyboard.press('Enter');
  await tabTo(page.getByLabel('Vorname(n)', { exact: true }), 5);
  await page.keyboard.type('Omar');
  await tab();
  await expect(page.getByLabel('Familienname', { exact: true })).toBeFocused();
  await page.keyboard.type('Khalil');
  await tab();
  await expect(page.getByLabel('Name in der Originalschrift (freiwillig)')).toBeFocused();
  await page.keyboard.type('عمر خليل');
  await tab();
  await expect(page.getByLabel('Geburtsjahr oder Geburtsdatum')).toBeFocused();
  await page.keyboard.type('1985');
  // The target group by arrow keys: Ukraine instead of the preset follow-up housing.
  await tabTo(page.getByRole('radio', { name: 'Anschlussunterbringung', exact: true }), 8);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: 'Geflüchtete aus der Ukraine' })).toBeChecked();
  await tabTo(page.getByRole('button', { name: 'Aufnehmen', exact: true }), 10);
  await page.keyboard.press('Enter');

  await page.waitForURL(/\/clients\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Omar Khalil');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('عمر خليل');
  await expect(page.getByRole('definition').filter({ hasText: 'Geflüchtete aus der Ukraine' })).toBeVisible();
  await expectNoA11yViolations(page);
});

test('the record and its pages fit 200 % zoom without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 400 });
  const pages = [recordPath(), `${recordPath()}/intake`, `${recordPath()}/forms`, `${recordPath()}/releases/new`, '/clients/new'];
  await page.goto(recordPath());
  const more = await page.locator('a[href^="/households/"], a[href^="/releases/"], a[href^="/cases/"]').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href') as string),
  );
  for (const path of [...pages, ...new Set(more)]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
  }
});
