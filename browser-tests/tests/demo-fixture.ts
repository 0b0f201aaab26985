import { test as base, expect, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { DEMO_PASSWORD, startDemoServer, type DemoServer } from './demo-server';

// The demo county as a fixture for the specs that work with client records: one `serve --demo`
// per worker, one login per account, and small helpers for the German interface.

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export { expect };

export async function login(page: Page, username: string) {
  await page.goto('/login');
  await page.getByLabel('Benutzername', { exact: true }).fill(username);
  await page.getByLabel('Passwort', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

export const test = base.extend<
  { user: string },
  { demo: DemoServer; sessions: (user: string) => Promise<StorageState> }
>({
  demo: [
    async ({}, use) => {
      const demo = await startDemoServer();
      await use(demo);
      await demo.stop();
    },
    { scope: 'worker', timeout: 40_000 },
  ],
  // One login per account and run; the tests then start signed in (the first one signs in by hand).
  sessions: [
    async ({ browser, demo }, use) => {
      const cache = new Map<string, Promise<StorageState>>();
      await use((user) => {
        let state = cache.get(user);
        if (!state) {
          state = (async () => {
            const context = await browser.newContext({ baseURL: demo.url, locale: 'de-DE' });
            await login(await context.newPage(), user);
            const s = await context.storageState();
            await context.close();
            return s;
          })();
          cache.set(user, state);
        }
        return state;
      });
    },
    { scope: 'worker' },
  ],
  user: ['awo.im1', { option: true }],
  baseURL: async ({ demo }, use) => {
    await use(demo.url);
  },
  storageState: async ({ user, sessions }, use) => {
    await use(user ? await sessions(user) : undefined);
  },
});

/** Today in the server's time zone (the browser runs in Europe/Berlin too), as YYYY-MM-DD. */
export function today(): string {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });
}

/** Today as Germans write it. */
export function heute(): string {
  return today().split('-').reverse().join('.');
}

export function nav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Hauptnavigation' });
}

/** A section of a page, by its heading. */
export function section(page: Page, heading: string): Locator {
  return page.getByRole('region', { name: heading, exact: true });
}

export async function fillMinimum(page: Page, given: string, family: string, original: string, birth: string) {
  await page.getByLabel('Vorname(n)', { exact: true }).fill(given);
  await page.getByLabel('Familienname', { exact: true }).fill(family);
  await page.getByLabel('Name in der Originalschrift (freiwillig)').fill(original);
  await page.getByLabel('Geburtsjahr oder Geburtsdatum').fill(birth);
}

/** Submits past the browser's own `required` check, to see the server's answer (what counts). */
export async function submitWithoutBrowserValidation(button: Locator) {
  await button.evaluate((b) => {
    const form = (b as HTMLButtonElement).form;
    if (form) form.noValidate = true;
  });
  await button.click();
}

/** Clicks a submit button and returns the status of the POST it sends. */
export async function post(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    button.click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

