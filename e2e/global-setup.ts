import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Starts the real stack exactly as a person would, with `npm start`, on the
 * ports chosen in playwright.config.ts and a throwaway ATRIUM_HOME, waits for
 * its "atrium ready" line, and stops it with SIGINT (Ctrl-C) afterwards.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '..');
  const base = Number(process.env.E2E_PORT_BASE);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-e2e-'));
  fs.chmodSync(home, 0o755);
  process.env.E2E_ATRIUM_HOME = home;
  const env = {
    ...process.env,
    ATRIUM_HOME: home,
    ATRIUM_CONSOLE_PORT: String(base),
    ATRIUM_APISERVER_PORT: String(base + 1),
    ATRIUM_SMTP_PORT: String(base + 2),
    ATRIUM_MAIL_WEB_PORT: String(base + 3),
    ATRIUM_PG_PORT: String(base + 4),
    DATABASE_URL: '',
  };
  const child = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start was not ready within 5 minutes:\n${output}`)), 300_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('atrium ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`));
    });
  });
  return async () => {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid) process.kill(-child.pid, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    fs.rmSync(home, { recursive: true, force: true });
  };
}
