import { type Page } from '@playwright/test';
import { expectNoA11yViolations } from './axe';
import { expect, fillMinimum, post, section, submitWithoutBrowserValidation, test, today } from './demo-fixture';

// The method made easy: an integration manager writes an integration plan with a new client
// (two goals, three steps), records a review, compares the versions, prints the plan in German
// and Arabic, records a home visit with an interpreter and a follow-up, and finds the follow-up
// on the start page ("what do I do today?"). axe runs on every page visited, error states included.
//
// The tests build on one client, so they run in order, in one worker, against one demo server.

test.describe.configure({ mode: 'serial' });
test.use({ actionTimeout: 5_000, navigationTimeout: 10_000 });

const GIVEN = 'Leyla';
const FAMILY = 'Osman';
const FULL = `${GIVEN} ${FAMILY}`;
const GOAL_1 = 'Ich möchte die B1-Prüfung schaffen.';
const GOAL_2 = 'Ich will wieder als Elektrikerin arbeiten.';

/** The case page of the client registered in the first test. */
let casePath = '';

function planPath(): string {
  expect(casePath, 'the first test must have run').not.toBe('');
  return `${casePath}/plan`;
}

/** A date `days` from today, as YYYY-MM-DD. */
function inDays(days: number): string {
  const d = new Date(`${today()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function goal(page: Page, text: string) {
  return page.getByRole('article').filter({ has: page.getByRole('heading', { name: text }) });
}

async function addStep(page: Page, goalText: string, step: string, owner: string, due: string, thirdParty = '') {
  const g = goal(page, goalText);
  await g.locator('summary').click();
  await g.getByLabel('Schritt', { exact: true }).fill(step);
  await g.getByLabel('Wer', { exact: true }).selectOption({ label: owner });
  if (thirdParty) await g.getByLabel('Name der anderen Stelle oder Person').fill(thirdParty);
  await g.getByLabel('Bis wann', { exact: true }).fill(due);
  expect(await post(page, g.getByRole('button', { name: 'Schritt hinzufügen', exact: true }))).toBe(303);
}

test('IM registers a client and writes a plan with two goals and three steps', async ({ page }) => {
  await page.goto('/clients/new');
  await fillMinimum(page, GIVEN, FAMILY, 'ليلى عثمان', '1991');
  await page.getByLabel('Gemeinde', { exact: true }).selectOption({ label: 'Bergfelden' });
  await page.getByRole('radio', { name: 'Anschlussunterbringung', exact: true }).check();
  await page.getByRole('button', { name: 'Aufnehmen', exact: true }).click();
  await page.waitForURL(/\/clients\/\d+$/);
  const recordPath = new URL(page.url()).pathname;

  // A plan needs the client's consent (decision 0012): recorded first, signed on the screen.
  await section(page, 'Einwilligung (DSGVO)').getByRole('link', { name: 'Einwilligung erfassen' }).click();
  await page.getByLabel('Sprache des unterschriebenen Formulars').selectOption({ label: 'Arabisch' });
  await page.getByRole('radio', { name: 'am Bildschirm unterschrieben' }).check();
  await page.getByRole('button', { name: 'Einwilligung speichern' }).click();
  await page.waitForURL((url) => url.pathname === recordPath);
  await expect(section(page, 'Einwilligung (DSGVO)')).toContainText('Einwilligung liegt vor');

  await page.locator('a[href^="/cases/"]').filter({ hasText: 'Fall' }).first().click();
  await page.waitForURL(/\/cases\/\d+$/);
  casePath = new URL(page.url()).pathname;
  await page.getByRole('link', { name: 'Integrationsplan', exact: true }).click();
  await page.waitForURL((u) => u.pathname === planPath());
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Integrationsplan');
  await expect(page.getByText('Noch keine Ziele.')).toBeVisible();
  await expectNoA11yViolations(page);

  // An empty goal: the server names the field and keeps what was chosen and typed.
  const form = page.locator('#form-goal');
  await form.getByLabel('Handlungsfeld').selectOption({ label: 'Sprache' });
  await form.getByLabel('Zieldatum').fill(inDays(180));
  const add = form.getByRole('button', { name: 'Ziel hinzufügen', exact: true });
  await submitWithoutBrowserValidation(add);
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.locator('#f-text')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Handlungsfeld')).toHaveValue('language');
  await expect(form.getByLabel('Zieldatum')).toHaveValue(inDays(180));
  await expectNoA11yViolations(page);

  await page.locator('#form-goal').getByLabel('Ziel', { exact: true }).fill(GOAL_1);
  await post(page, page.locator('#form-goal').getByRole('button', { name: 'Ziel hinzufügen', exact: true }));
  await expect(page.getByRole('status').filter({ hasText: 'Das Ziel wurde hinzugefügt.' })).toBeVisible();

  const form2 = page.locator('#form-goal');
  await form2.getByLabel('Handlungsfeld').selectOption({ label: 'Arbeit' });
  await form2.getByLabel('Ziel', { exact: true }).fill(GOAL_2);
  await form2.getByLabel('Priorität').selectOption({ index: 1 });
  await post(page, form2.getByRole('button', { name: 'Ziel hinzufügen', exact: true }));
  await expect(goal(page, GOAL_1)).toBeVisible();
  await expect(goal(page, GOAL_2)).toBeVisible();

  await addStep(page, GOAL_1, 'Beim Integrationskurs anmelden', 'Klient:in', inDays(14));
  await addStep(page, GOAL_1, 'Kinderbetreuung für die Kurszeit klären', 'Integrationsmanager:in', inDays(7));
  await addStep(page, GOAL_2, 'Anerkennung des Abschlusses prüfen lassen', 'Dritte (Dienst, Person)', inDays(60), 'IQ-Beratungsstelle');
  await expect(goal(page, GOAL_1).getByRole('row')).toHaveCount(3); // header + 2 steps
  await expect(goal(page, GOAL_2).getByRole('cell', { name: /IQ-Beratungsstelle/ })).toBeVisible();
  await expect(page.locator('#review-due')).not.toContainText('noch keine');
  await expectNoA11yViolations(page);
});

test('IM freezes the first version, records a review and compares the versions', async ({ page }) => {
  await page.goto(planPath());
  await post(page, page.getByRole('button', { name: 'Fassung festschreiben' }));
  await expect(page.getByRole('status').filter({ hasText: 'Die Fassung wurde festgeschrieben.' })).toBeVisible();
  // The frozen version opens, ready to print and to take the signed scan.
  await expect(page.getByRole('heading', { level: 1, name: 'Fassung 1' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Unterschriebene Fassung hinterlegen' })).toBeVisible();
  await expectNoA11yViolations(page);
  await page.goto(planPath());
  await expect(page.getByRole('link', { name: 'Fassung 1', exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'Fortschreibung erfassen' }).click();
  await page.waitForURL((u) => u.pathname === `${planPath()}/review`);
  await expectNoA11yViolations(page);
  await page.getByLabel('Datum des Gesprächs').fill(today());
  await page.getByLabel('Teilnehmende').fill('Frau Osman, Dolmetscherin, IM');
  await page.getByLabel('Gesamteinschätzung').fill('Guter Fortschritt, Kurs beginnt bald.');
  const goalBlock = page.locator('fieldset, section, div').filter({ hasText: GOAL_1 }).last();
  await goalBlock.getByLabel('Kurze Einschätzung').fill('Anmeldung läuft.');
  await goalBlock.getByLabel('Neuer Stand').selectOption({ label: 'in Arbeit' });
  await page.getByLabel('Änderungen am Plan').fill('Ziel 1 ist jetzt in Arbeit.');
  await post(page, page.getByRole('button', { name: 'Fortschreibung speichern' }));
  await expect(page.getByRole('status').filter({ hasText: 'Die Fortschreibung wurde gespeichert' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Fassung 2' })).toBeVisible();
  await page.goto(planPath());
  await expect(page.getByRole('link', { name: 'Fassung 2', exact: true })).toBeVisible();
  await expect(goal(page, GOAL_1)).toContainText('in Arbeit');

  const cmp = page.locator('form.compare-form');
  await cmp.getByLabel('Von Fassung').selectOption('1');
  await cmp.getByLabel('bis', { exact: true }).selectOption('2');
  await cmp.getByRole('button', { name: 'Vergleichen' }).click();
  await page.waitForURL(/\/plan\/compare\?/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Fassungen vergleichen');
  const diff = page.locator('ul.diff');
  await expect(diff).toContainText(GOAL_1);
  await expect(diff).toContainText('in Arbeit');
  await expect(diff).not.toContainText(GOAL_2);
  await expectNoA11yViolations(page);
});

test('IM prints the plan in German and Arabic', async ({ page }) => {
  await page.goto(planPath());
  const print = section(page, 'Drucken');
  await expect(print.getByLabel('Sprache neben Deutsch').locator('option[value="ar"]')).toHaveCount(1);
  // Nothing is recorded yet of this client's languages: the chooser starts at German.
  await expect(print.getByLabel('Sprache neben Deutsch')).toHaveValue('de');
  for (const lang of ['de', 'ar']) {
    const r = await page.request.get(`${planPath()}/print?lang=${lang}&version=2`);
    expect(r.status()).toBe(200);
    expect(r.headers()['content-type']).toBe('application/pdf');
    const body = await r.body();
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(10_000);
  }
  // The form itself asks for Arabic by its own name.
  await print.getByLabel('Sprache neben Deutsch').selectOption('ar');
  await expectNoA11yViolations(page);
});

test('IM records a home visit with an interpreter and a follow-up, and sees it on the start page', async ({ page }) => {
  await page.goto(casePath);
  await page.getByRole('link', { name: 'Kontakt erfassen' }).first().click();
  await page.waitForURL((u) => u.pathname === `${casePath}/contacts/new`);
  await expect(page.getByLabel('Datum', { exact: true })).toHaveValue(today());
  await expectNoA11yViolations(page);

  await page.getByLabel('Art des Kontakts').selectOption({ label: 'Hausbesuch' });
  await page.getByLabel('Dauer in Minuten').fill('45');
  await page.getByRole('checkbox', { name: 'Sprache', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Arbeit', exact: true }).check();
  // A language without the kind of interpreter: a clear error, and the note stays.
  await page.getByRole('group', { name: 'Dolmetschung' }).getByLabel('Sprache').selectOption('ar');
  await page.getByLabel('Vertrauliche Notiz').fill('Kurs besprochen, Kinderbetreuung offen.');
  await page.getByLabel('Wiedervorlage am').fill(today());
  await page.getByLabel('Anlass').fill('Kursanmeldung nachfragen');
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(422);
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByLabel('Vertrauliche Notiz')).toHaveValue('Kurs besprochen, Kinderbetreuung offen.');
  await expect(page.getByLabel('Anlass')).toHaveValue('Kursanmeldung nachfragen');
  await expectNoA11yViolations(page);

  await page.getByLabel('Dolmetscher:in').selectOption({ label: 'professionell' });
  await post(page, page.getByRole('button', { name: 'Speichern', exact: true }));
  await expect(page.getByRole('status').filter({ hasText: 'Der Kontakt wurde erfasst.' })).toBeVisible();
  const followups = section(page, 'Wiedervorlagen');
  await expect(followups).toContainText('Kursanmeldung nachfragen');
  await expect(followups).toContainText('heute fällig');
  await expectNoA11yViolations(page);

  // The visit heads the last contacts of the workspace, which link to the timeline.
  const recent = section(page, 'Letzte Kontakte');
  await expect(recent.locator('li').first()).toContainText('Hausbesuch');
  // The timeline shows the visit and the plan's history.
  await recent.getByRole('link', { name: /^Verlauf des Falls/ }).click();
  await page.waitForURL((u) => u.pathname === `${casePath}/timeline`);
  const entries = page.locator('ol.timeline, ul.timeline').first();
  await expect(entries).toContainText('Hausbesuch');
  await expect(entries).toContainText('Kurs besprochen');
  await expect(entries).toContainText('Fortschreibung');
  await expectNoA11yViolations(page);

  // The start page: the follow-up is due today, named by the client, linking to the case.
  await page.goto('/');
  // One line per client on the start page, the follow-up among its reasons.
  const due = page.getByRole('region', { name: /^Heute fällig/ });
  const item = due.locator('li.due-client').filter({ hasText: FULL });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Kursanmeldung nachfragen');
  await expect(item.getByRole('link').first()).toHaveAttribute('href', casePath);
  await expectNoA11yViolations(page);

  // Done: it leaves the day view.
  await page.goto(casePath);
  await post(page, section(page, 'Wiedervorlagen').getByRole('button', { name: /^Erledigt/ }).first());
  await page.goto('/');
  await expect(page.getByRole('region', { name: /^Heute fällig/ })).not.toContainText('Kursanmeldung nachfragen');
});

test.describe('the team lead', () => {
  test.use({ user: 'awo.leitung' });

  test('sees the team in counts per IM, without client names', async ({ page }) => {
    await page.goto('/');
    const team = page.getByRole('region', { name: 'Ihr Team heute' });
    await expect(team.getByRole('columnheader', { name: 'Wiedervorlagen überfällig' })).toBeVisible();
    await expect(team.getByRole('rowheader', { name: 'Ahmad Karimi' })).toBeVisible();
    await expect(team).not.toContainText(FULL);
    await expect(team).not.toContainText('Haddad');
    await expectNoA11yViolations(page);
  });
});

test.describe('the administrator', () => {
  test.use({ user: 'admin' });

  test('sets the working rules and adds a field of action', async ({ page }) => {
    await page.goto('/admin/rules');
    await expect(page.getByRole('heading', { level: 1, name: 'Arbeitsregeln' })).toBeVisible();
    await expectNoA11yViolations(page);
    const interval = page.getByLabel('Fortschreibung alle … Monate');
    await interval.fill('0');
    await submitWithoutBrowserValidation(page.getByRole('button', { name: 'Speichern', exact: true }));
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(interval).toHaveAttribute('aria-invalid', 'true');
    await expect(interval).toHaveValue('0');
    await expectNoA11yViolations(page);
    await interval.fill('4');
    await post(page, page.getByRole('button', { name: 'Speichern', exact: true }));
    await page.goto('/admin/rules');
    await expect(page.getByLabel('Fortschreibung alle … Monate')).toHaveValue('4');

    await page.goto('/admin/fields');
    await expect(page.getByRole('heading', { level: 1, name: 'Handlungsfelder' })).toBeVisible();
    await expectNoA11yViolations(page);
    const add = page.getByRole('region', { name: 'Neues Handlungsfeld' });
    await add.getByLabel('Name (Deutsch)').fill('Führerschein');
    await add.getByLabel('Name (Englisch)').fill("Driving licence");
    await add.getByLabel('Gemeldet als').selectOption('daily_life');
    await add.getByLabel('Reihenfolge (Zahl)').fill('120');
    await post(page, add.getByRole('button'));
    await page.goto('/admin/fields');
    await expect(page.getByRole('main')).toContainText('Führerschein');
  });
});
