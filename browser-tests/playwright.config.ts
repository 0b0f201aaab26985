import { defineConfig } from '@playwright/test';
import path from 'node:path';

// Browser tests against the real `ankommen` binary.
//
// Normally run through `scripts/browser-tests.sh` (repo root), which builds the
// binary, creates a fresh data directory with a first administrator and sets:
//   ANKOMMEN_E2E_DATA_DIR        data directory for `ankommen serve` (webServer below)
//   ANKOMMEN_E2E_BIN             path of the binary (default ../target/debug/ankommen)
//   ANKOMMEN_E2E_PID_FILE        where the server's pid is written (so the script can always stop it)
//   ANKOMMEN_E2E_ADMIN_USERNAME  / ANKOMMEN_E2E_ADMIN_PASSWORD  credentials of that administrator
// Without ANKOMMEN_E2E_DATA_DIR no server is started and the tests run against an
// already running instance at ANKOMMEN_BASE_URL.

const baseURL = process.env.ANKOMMEN_BASE_URL || 'http://127.0.0.1:18123';
const listen = new URL(baseURL).host; // host:port for `--listen`
const dataDir = process.env.ANKOMMEN_E2E_DATA_DIR;
const bin = process.env.ANKOMMEN_E2E_BIN || path.resolve(__dirname, '..', 'target', 'debug', 'ankommen');
const pidFile = process.env.ANKOMMEN_E2E_PID_FILE;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const serveCommand = dataDir
  ? [
      pidFile ? `echo $$ > ${shellQuote(pidFile)};` : '',
      `exec ${shellQuote(bin)} serve --data-dir ${shellQuote(dataDir)} --listen ${shellQuote(listen)}`,
    ].join(' ')
  : undefined;

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  outputDir: './test-results',
  use: {
    baseURL,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.ANKOMMEN_E2E_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: serveCommand
    ? {
        command: serveCommand,
        url: `${baseURL}/healthz`,
        // Never test against a stale server that happens to listen on the port.
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'pipe',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
        // Server logs go to stderr; only warnings and errors unless overridden.
        env: { ANKOMMEN_LOG: process.env.ANKOMMEN_LOG || 'warn' },
      }
    : undefined,
});
