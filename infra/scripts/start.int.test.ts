/**
 * Smoke test of the README's quick start: `npm start` brings everything up on
 * embedded defaults, survives a crashed previous run (stale postmaster.pid,
 * killed children), reuses its data, stops cleanly on Ctrl-C, and refuses bad
 * configuration with one line that names the variable.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-smoke-'));
fs.chmodSync(home, 0o755);

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function portsEnv(): Promise<Record<string, string>> {
  return {
    ATRIUM_HOME: home,
    ATRIUM_CONSOLE_PORT: String(await freePort()),
    ATRIUM_APISERVER_PORT: String(await freePort()),
    ATRIUM_SMTP_PORT: String(await freePort()),
    ATRIUM_MAIL_WEB_PORT: String(await freePort()),
    ATRIUM_PG_PORT: String(await freePort()),
    DATABASE_URL: '',
  };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function startStack(env: Record<string, string>): Started {
  // detached: its own process group, so the test can Ctrl-C or kill -9 it whole.
  const child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = { child, output: () => output, exit };
  running.add(started);
  return started;
}

async function waitReady(s: Started): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!s.output().includes('atrium ready')) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited early:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function postmasterPid(): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(home, 'postgres/postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const running = new Set<Started>();
afterAll(async () => {
  // A failed or timed-out test must not leave a stack running.
  for (const s of running) {
    if (s.child.exitCode === null && s.child.pid) {
      try {
        process.kill(-s.child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    }
    await s.exit;
  }
  fs.rmSync(home, { recursive: true, force: true });
});

describe('npm start', () => {
  it('rejects a malformed variable with one line naming it, exit 2', async () => {
    const s = startStack({ ...(await portsEnv()), ATRIUM_CONSOLE_PORT: 'eighty' });
    expect(await s.exit).toBe(2);
    expect(s.output()).toMatch(/ATRIUM_CONSOLE_PORT="eighty" is invalid/);
  });

  it('rejects a port in use, naming the variable', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const s = startStack({ ...(await portsEnv()), ATRIUM_CONSOLE_PORT: String(port) });
    expect(await s.exit).toBe(2);
    blocker.close();
    expect(s.output()).toMatch(new RegExp(`Port ${port} is already in use.*ATRIUM_CONSOLE_PORT`));
  });

  it('rejects an unreachable DATABASE_URL, naming it', async () => {
    const s = startStack({ ...(await portsEnv()), DATABASE_URL: `postgresql://u:p@127.0.0.1:${await freePort()}/atrium` });
    expect(await s.exit).toBe(2);
    expect(s.output()).toMatch(/DATABASE_URL is unreachable/);
  });

  it('starts everything, survives a kill -9 of the whole stack, reuses its data and stops cleanly', async () => {
    const env = await portsEnv();
    const first = startStack(env);
    await waitReady(first);
    const consoleUrl = `http://localhost:${env.ATRIUM_CONSOLE_PORT}`;
    expect((await fetch(`${consoleUrl}/api/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${env.ATRIUM_APISERVER_PORT}/readyz`)).status).toBe(200);
    const kubeconfig = fs.readFileSync(path.join(home, 'admin.kubeconfig'), 'utf8');
    expect(kubeconfig).toContain(`127.0.0.1:${env.ATRIUM_APISERVER_PORT}/clusters/root`);
    expect(first.output()).toContain('demo@atrium.local');

    // A crash: every process of the stack dies at once, leaving postmaster.pid behind.
    const pgPid = postmasterPid();
    expect(pgPid).toBeGreaterThan(0);
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exit;
    await new Promise((r) => setTimeout(r, 500));
    expect(fs.existsSync(path.join(home, 'postgres/postmaster.pid'))).toBe(true);

    const second = startStack(env);
    await waitReady(second);
    expect(second.output()).not.toContain('initialising a new cluster');
    expect((await fetch(`${consoleUrl}/api/health`)).status).toBe(200);
    const secondPgPid = postmasterPid()!;

    // Ctrl-C: the terminal signals the whole foreground group. npm itself may
    // die of the signal; what matters is that Atrium shuts down in order.
    process.kill(-second.child.pid!, 'SIGINT');
    const exit = await second.exit;
    expect(exit === 0 || exit === null).toBe(true);
    // start.ts gives each of console, worker and API server 10 s before SIGKILL, then Postgres up to 20 s:
    // wait for that whole budget, so a slow but orderly stop on a loaded machine is not a failure.
    const deadline = Date.now() + 60_000;
    while ((!second.output().includes('■ stopped') || alive(secondPgPid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(second.output()).toContain('■ stopped');
    expect(second.output()).not.toContain('cleanup failed');
    expect(alive(secondPgPid)).toBe(false);
  }, 600_000);
});
