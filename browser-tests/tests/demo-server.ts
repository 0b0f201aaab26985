import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// A second `ankommen serve --demo` for the specs that need the demo county (Landkreis Neckartal:
// accounts with the password `ankommen-demo`, municipalities, clients). The server that
// playwright.config.ts starts has only the first administrator, and demo mode recreates its own
// database at every start, so each run of a spec begins with the same fictional county.
//
// ANKOMMEN_E2E_DEMO_URL=http://127.0.0.1:8080 uses an already running demo instead (then nothing
// is started or stopped here; a second run against it finds the records of the first).

export const DEMO_PASSWORD = 'ankommen-demo';

export interface DemoServer {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`demo server exited with ${child.exitCode}:\n${log()}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`demo server did not become healthy within 30 s:\n${log()}`);
}

/** Starts `ankommen serve --demo` on a free loopback port in a fresh data directory. */
export async function startDemoServer(): Promise<DemoServer> {
  const external = process.env.ANKOMMEN_E2E_DEMO_URL;
  if (external) {
    return { url: external.replace(/\/$/, ''), stop: async () => {} };
  }
  const bin = process.env.ANKOMMEN_E2E_BIN || path.resolve(__dirname, '..', '..', 'target', 'debug', 'ankommen');
  // Next to the data directory of scripts/browser-tests.sh, so that its cleanup removes it too.
  const e2eData = process.env.ANKOMMEN_E2E_DATA_DIR;
  const dataDir = e2eData
    ? fs.mkdtempSync(path.join(path.dirname(e2eData), 'demo-'))
    : fs.mkdtempSync(path.join(os.tmpdir(), 'ankommen-demo-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  // Demo mode refuses a configured PostgreSQL database; give it a clean environment.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ANKOMMEN_')) env[k] = v;
  }
  env.ANKOMMEN_LOG = process.env.ANKOMMEN_LOG || 'warn';

  const child = spawn(bin, ['serve', '--demo', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitHealthy(url, child, () => output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
