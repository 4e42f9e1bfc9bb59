import { defineConfig } from '@playwright/test';

// Ports are chosen once in the main process and inherited by workers (which
// re-load this file), so every process agrees on where the stack listens.
process.env.E2E_PORT_BASE ??= String(20_000 + Math.floor(Math.random() * 4000) * 5);
const base = Number(process.env.E2E_PORT_BASE);
process.env.E2E_CONSOLE_URL ??= `http://localhost:${base}`;
process.env.E2E_APISERVER_URL ??= `http://127.0.0.1:${base + 1}`;
process.env.E2E_MAIL_API ??= `http://127.0.0.1:${base + 3}/api`;

/**
 * Browser tests run against the whole stack started by `npm start` (see
 * global-setup.ts) on free ports with an isolated ATRIUM_HOME, in Debian's
 * Chromium: Playwright's own browser download cannot work on this network.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list'], ['json']],
  use: {
    baseURL: process.env.E2E_CONSOLE_URL,
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
