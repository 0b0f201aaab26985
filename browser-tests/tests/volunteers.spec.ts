import { readFile } from 'node:fs/promises';
import { expectNoA11yViolations } from './axe';
import { expect, post, test } from './demo-fixture';

// The rest of the network (issue 23, decisions 0031 and 0032): an IM adds a volunteer who speaks
// Tigrinya to the organisation's register, matches her with a demo client found by language, and
// prints the sheet for her; registers the client for a language course; the coordinator plans a
// network meeting and looks at the waiting list; the invited IM sees the meeting on the start page.
// axe runs on every page visited.

test.use({ actionTimeout: 5_000, navigationTimeout: 15_000 });
test.describe.configure({ mode: 'serial' });

const VOLUNTEER = 'Selam Habte (Test)';
const TOPIC = 'Wohnungssuche im Landkreis (Test)';

test('an IM matches a volunteer speaking Tigrinya and prints her sheet', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Ehrenamtliche' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ehrenamtliche' })).toBeVisible();
  await expectNoA11yViolations(page);
  await page.goto('/volunteers/new');
  await expectNoA11yViolations(page);
  await page.getByLabel('Name', { exact: true }).fill(VOLUNTEER);
  await page.getByLabel('Telefon', { exact: true }).fill('0170 1234567');
  await page.locator('#f-languages').getByLabel('Tigrinya').check();
  await page.locator('#f-offers').getByLabel('Begleitung zu Terminen').check();
  await page.getByLabel('Verpflichtung zur Verschwiegenheit unterschrieben am').fill('2026-01-15');
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
  await expectNoA11yViolations(page);

  // The case of Zahra Ahmadi: find the volunteer by language and match her, without data.
  await page.goto('/cases');
  await page.getByRole('link', { name: 'Zahra Ahmadi' }).first().click();
  await page.waitForURL(/\/(clients|cases)\/\d+$/);
  if (new URL(page.url()).pathname.startsWith('/clients/')) {
    await page.locator('a[href^="/cases/"]').filter({ hasText: 'Fall' }).first().click();
    await page.waitForURL(/\/cases\/\d+$/);
  }
  const casePath = new URL(page.url()).pathname;
  await page.getByRole('link', { name: 'Ehrenamtliche:n vermitteln' }).click();
  await page.getByRole('search').getByLabel('Sprachen').selectOption({ label: 'Tigrinya' });
  await page.getByRole('button', { name: 'Filtern', exact: true }).click();
  await expectNoA11yViolations(page);
  await page.locator('#volunteer-match-form').getByLabel('Ehrenamtliche:r').selectOption({ label: `${VOLUNTEER} (Tigrinya; Begleitung zu Terminen)` });
  await page.locator('#volunteer-match-form').getByLabel('Für', { exact: true }).selectOption({ label: 'Zahra Ahmadi' });
  await page.getByLabel('Wofür').fill('Begleitung zur Ausländerbehörde');
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
  await page.waitForURL((u) => u.pathname === casePath);
  const matches = page.locator('#volunteer-match-list');
  await expect(matches).toContainText(VOLUNTEER);
  await expectNoA11yViolations(page);

  // The sheet for her, in Tigrinya beside German.
  const row = matches.locator('tbody tr').first();
  await row.getByLabel('Blatt für Ehrenamtliche, Sprache neben Deutsch').selectOption('ti');
  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: 'Blatt drucken' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^ehrenamt-\d+-ti\.pdf$/);
  const bytes = await readFile(await file.path());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

  // A language course for her, with the Volkshochschule of the directory.
  await page.goto(casePath);
  await page.getByRole('link', { name: 'Zum Sprachkurs anmelden' }).click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Person', { exact: true }).selectOption({ label: 'Zahra Ahmadi' });
  await page.getByLabel('Angemeldet bei').selectOption({ index: 1 });
  await page.getByLabel('Kursart').selectOption({ label: 'Integrationskurs' });
  await page.getByLabel('Angestrebtes Niveau').selectOption('B1');
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
  await expect(page.locator('#course-list')).toContainText('Integrationskurs');
  await expectNoA11yViolations(page);
});

test.describe('coordinator', () => {
  test.use({ user: 'koordination' });

  test('plans a network meeting and sees the waiting list', async ({ page }) => {
    await page.goto('/courses/waiting');
    await expect(page.getByRole('heading', { level: 1, name: 'Warteliste Sprachkurse' })).toBeVisible();
    await expectNoA11yViolations(page);
    await page.goto('/meetings');
    await expectNoA11yViolations(page);
    await page.getByRole('link', { name: 'Netzwerktreffen planen' }).click();
    await expectNoA11yViolations(page);
    await page.getByLabel('Datum', { exact: true }).fill('2030-03-04');
    await page.getByLabel('Uhrzeit', { exact: true }).fill('14:00');
    await page.getByLabel('Ort', { exact: true }).fill('Landratsamt, Raum 2');
    await page.getByLabel('Thema', { exact: true }).fill(TOPIC);
    await page.getByLabel('Alle Integrationsmanager:innen').check();
    expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(TOPIC);
    await expectNoA11yViolations(page);
  });
});

test('the invited IM sees the meeting on the start page and asks a question', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: TOPIC }).click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Frage', { exact: true }).fill('Wie finden wir Wohnungen für große Familien?');
  expect(await post(page, page.getByRole('button', { name: 'Frage hinzufügen' }))).toBe(303);
  await expect(page.getByText('Wie finden wir Wohnungen für große Familien?')).toBeVisible();
  await expectNoA11yViolations(page);
});
