import { expectNoA11yViolations } from './axe';
import { expect, post, test } from './demo-fixture';

// Appointments (issue 24, decisions 0033–0035): the IM adds office hours for today in the demo's
// town-hall room, books an office-hours appointment there with Mohammad Haddad (Arabic), prints the
// letter in Arabic beside German, finds it on the start page and turns it into a counselling
// contact in one step. axe runs on every page visited. The specs share one demo server in file
// order: this one adds a contact to Mohammad Haddad's case, so it runs after usability.spec.ts,
// which counts that case's contacts and measures its workspace.

test.use({ actionTimeout: 5_000, navigationTimeout: 15_000, user: 'awo.im1' });
test.describe.configure({ mode: 'serial' });

/** Today's date, ISO weekday and the time in a few minutes, all in Berlin. */
function berlinSoon(minutes: number) {
  const at = new Date(Date.now() + minutes * 60_000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(weekdays.indexOf(parts.weekday) + 1),
    time: `${parts.hour}:${parts.minute}`,
  };
}

test('an IM books office hours with an Arabic-speaking client, prints the letter and records the contact', async ({ page }) => {
  const now = berlinSoon(0);
  const soon = berlinSoon(3);
  // The appointment must start and end today; just before midnight there is no such time.
  test.skip(soon.date !== now.date || soon.time > '23:50', 'too close to midnight for a same-day appointment');

  // Office hours for today, all day, in the demo's town-hall room.
  await page.goto('/office-hours/new');
  await expectNoA11yViolations(page);
  await page.getByLabel('Raum', { exact: true }).selectOption({ index: 1 });
  await page.getByLabel('Wochentag').selectOption(now.weekday);
  await page.getByLabel('Von (Uhrzeit)').fill('00:00');
  await page.getByLabel('Bis (Uhrzeit)').fill('23:59');
  await page.getByLabel('Erster Tag').fill(now.date);
  await page.locator('#f-languages').getByRole('checkbox', { name: /Arabisch/ }).check();
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
  await expectNoA11yViolations(page);

  // The case of Mohammad Haddad: book an office-hours appointment with an interpreter.
  await page.goto('/cases');
  await page.getByRole('link', { name: 'Mohammad Haddad' }).first().click();
  await page.waitForURL(/\/(clients|cases)\/\d+$/);
  if (new URL(page.url()).pathname.startsWith('/clients/')) {
    await page.locator('a[href^="/cases/"]').filter({ hasText: 'Fall' }).first().click();
    await page.waitForURL(/\/cases\/\d+$/);
  }
  await page.getByRole('link', { name: 'Termin vereinbaren' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Termin vereinbaren' })).toBeVisible();
  await expectNoA11yViolations(page);
  await page.getByLabel('Mit wem?').selectOption({ label: 'Mohammad Haddad' });
  await page.getByLabel('Datum').fill(now.date);
  await page.getByLabel('Beginn').fill(soon.time);
  await page.getByLabel('Dauer (Minuten)').fill('5');
  await page.getByRole('radio', { name: 'Sprechstunde' }).check();
  const slot = page.locator('#f-office_hour option', { hasText: '00:00–23:59' });
  await page.locator('#f-office_hour').selectOption((await slot.getAttribute('value')) ?? '');
  await page.getByLabel('Dolmetschen').selectOption({ label: 'Arabisch' });
  await page.getByLabel('Anlass').fill('Antrag Wohngeld');
  expect(await post(page, page.getByRole('button', { name: 'Termin speichern' }))).toBe(303);
  await page.waitForURL(/\/appointments\/\d+$/);
  const appointmentPath = new URL(page.url()).pathname;
  await expect(page.locator('#appointment-place')).toContainText('Sprechstunde: Rathaus, Raum 2');
  await expectNoA11yViolations(page);

  // The letter in Arabic beside German.
  await page.getByRole('link', { name: 'Terminbrief drucken' }).click();
  await expectNoA11yViolations(page);
  await page.getByLabel('Sprache neben Deutsch').selectOption('ar');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'PDF erstellen' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^termin-\d+-ar\.pdf$/);

  // On the start page among today's appointments.
  await page.goto('/');
  const today = page.locator('#appointments-today');
  await expect(today).toContainText('Mohammad Haddad');
  await expect(today).toContainText(soon.time);
  await expectNoA11yViolations(page);

  // Held: the contact form comes filled in; saving records the contact and marks it held.
  await page.goto(appointmentPath);
  await page.getByRole('link', { name: 'Stattgefunden – Kontakt erfassen' }).click();
  await expect(page.locator('#f-kind')).toHaveValue('office_hours');
  await expect(page.locator('#f-interpreter_language')).toHaveValue('ar');
  await expectNoA11yViolations(page);
  // Who interpreted is the IM's to say.
  await page.locator('#f-interpreter_type').selectOption('professional');
  expect(await post(page, page.getByRole('button', { name: 'Speichern', exact: true }))).toBe(303);
  await expect(page.getByText('Der Kontakt ist erfasst, der Termin als stattgefunden vermerkt.')).toBeVisible();
  await page.goto(appointmentPath);
  await expect(page.locator('#appointment-status')).toHaveText('stattgefunden');
  await expectNoA11yViolations(page);
});

test('the home visits of the day work on a tablet at 768 px', async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto('/home-visits');
  await expect(page.getByRole('heading', { level: 1, name: 'Hausbesuche des Tages' })).toBeVisible();
  await page.getByRole('link', { name: 'Folgetag →' }).click();
  await expect(page).toHaveURL(/home-visits\?date=\d{4}-\d{2}-\d{2}$/);
  await expectNoA11yViolations(page);
});
