/**
 * `npm start`: the whole stack on embedded defaults, with progress shown.
 * Postgres (embedded unless DATABASE_URL) → migrate → seed → mail catcher →
 * API server → worker → console. Ctrl-C stops everything, Postgres last.
 * Each service logs to .atrium/logs/<name>.log.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type AtriumEnv, ConfigError, consoleUrl, parseEnv } from '@atrium/config';
import { createPrismaClient, migrateDeploy, type ResolvedDatabase, resolveDatabase, seedDemo } from '@atrium/db';
import { assertPortFree } from '@atrium/db/embedded';
import { MailDev } from 'maildev';
import { consoleBuildIsCurrent, consoleFingerprint, markConsoleBuilt } from './console-build.js';
import { type Supervised, supervise, tail, waitForHttp } from './processes.js';

const root = path.resolve(import.meta.dirname, '../..');
const color = process.stdout.isTTY ? (code: number, s: string) => `\x1b[${code}m${s}\x1b[0m` : (_: number, s: string) => s;
const started = Date.now();
/** Paths inside the checkout are shown relative to it, others in full. */
const display = (p: string) => (p.startsWith(`${root}${path.sep}`) ? path.relative(process.cwd(), p) : p);

function step(what: string): (detail?: string) => void {
  const t0 = Date.now();
  console.log(`${color(36, '▸')} ${what}…`);
  return (detail) => console.log(`${color(32, '✓')} ${what}${detail ? ` — ${detail}` : ''} ${color(90, `(${((Date.now() - t0) / 1000).toFixed(1)} s)`)}`);
}

interface Secrets {
  adminToken: string;
  nextauthSecret: string;
}

/** Generated once per ATRIUM_HOME and reused, so tokens and sessions survive restarts. */
function loadSecrets(home: string): Secrets {
  const file = path.join(home, 'secrets.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Secrets;
  } catch {
    const secrets = { adminToken: `atrium-admin-${randomBytes(24).toString('hex')}`, nextauthSecret: randomBytes(32).toString('hex') };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

async function main(): Promise<void> {
  const e: AtriumEnv = parseEnv();
  const home = path.resolve(root, e.ATRIUM_HOME);
  const logDir = path.join(home, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const secrets = loadSecrets(home);

  const cleanups: Array<() => Promise<void>> = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`${color(33, '■')} stopping Atrium…`);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`  cleanup failed: ${(err as Error).message}`));
    console.log(`${color(33, '■')} stopped`);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // Fail fast, with the variable to change, before anything starts.
    if (!e.ATRIUM_KCP_URL) await assertPortFree(e.ATRIUM_APISERVER_PORT, 'ATRIUM_APISERVER_PORT');
    await assertPortFree(e.ATRIUM_CONSOLE_PORT, 'ATRIUM_CONSOLE_PORT');
    await assertPortFree(e.ATRIUM_SMTP_PORT, 'ATRIUM_SMTP_PORT');
    await assertPortFree(e.ATRIUM_MAIL_WEB_PORT, 'ATRIUM_MAIL_WEB_PORT');

    let done = step(e.DATABASE_URL ? 'connecting to DATABASE_URL' : 'starting embedded Postgres');
    const database: ResolvedDatabase = await resolveDatabase({ ...e, ATRIUM_HOME: home });
    cleanups.push(database.stop);
    done(database.embedded ? `127.0.0.1:${e.ATRIUM_PG_PORT}, data in ${display(path.join(home, 'postgres'))}` : 'external server');

    done = step('applying migrations');
    await migrateDeploy(database.url);
    done();

    done = step('seeding demo data');
    const prisma = createPrismaClient(database.url, 1);
    const demo = await seedDemo(prisma);
    await prisma.$disconnect();
    done(`${demo.email}`);

    done = step('starting mail catcher');
    const mailDir = path.join(home, 'mail');
    fs.mkdirSync(mailDir, { recursive: true });
    const maildev = new MailDev({
      smtp: e.ATRIUM_SMTP_PORT,
      web: e.ATRIUM_MAIL_WEB_PORT,
      ip: '127.0.0.1',
      webIp: '127.0.0.1',
      mailDirectory: mailDir,
      silent: true,
    });
    // maildev prints a banner on stdout even when silent; keep the progress display clean.
    const { log, info } = console;
    console.log = console.info = () => undefined;
    try {
      await maildev.start();
    } finally {
      Object.assign(console, { log, info });
    }
    cleanups.push(() => maildev.stop());
    const mailUrl = `http://127.0.0.1:${e.ATRIUM_MAIL_WEB_PORT}`;
    done(mailUrl);

    // Bearer tokens only travel over TLS (kubectl and client-node refuse plain HTTP),
    // so everyone reaches the embedded server at its https address with its CA.
    const kcpUrl = e.ATRIUM_KCP_URL ?? `https://${e.ATRIUM_APISERVER_HOST}:${e.ATRIUM_APISERVER_PORT}`;
    const kcpToken = e.ATRIUM_KCP_TOKEN ?? secrets.adminToken;
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      ATRIUM_HOME: home,
      ATRIUM_KCP_URL: kcpUrl,
      ATRIUM_KCP_TOKEN: kcpToken,
      NEXT_TELEMETRY_DISABLED: '1',
    };
    const children: Supervised[] = [];
    const watchForCrash = (s: Supervised) => {
      s.child.once('exit', (code, signal) => {
        if (shuttingDown) return;
        console.error(
          `${color(31, '✗')} ${s.name} stopped unexpectedly (${signal ?? `exit ${code}`}). Last lines of ${display(s.logFile)}:\n${tail(s.logFile)}`,
        );
        void shutdown(1);
      });
    };
    const run = (name: string, args: string[], cwd: string, readyPattern?: RegExp) => {
      const s = supervise({ name, command: process.execPath, args, cwd, env: childEnv, logDir, ...(readyPattern ? { readyPattern } : {}) });
      children.push(s);
      cleanups.push(s.stop);
      return s;
    };

    let kubeconfig = path.join(home, 'admin.kubeconfig');
    if (e.ATRIUM_KCP_URL) {
      console.log(`${color(36, '▸')} using the external kcp at ${kcpUrl}`);
      kubeconfig = '(your kcp admin kubeconfig)';
    } else {
      done = step('starting API server');
      const apiserver = run('apiserver', ['--import', 'tsx', 'apps/apiserver/src/main.ts'], root, /apiserver ready at \S+/);
      await apiserver.ready;
      watchForCrash(apiserver);
      childEnv.ATRIUM_KCP_CA_FILE = path.join(home, 'apiserver-ca.crt');
      done(kcpUrl);
    }

    done = step('starting worker');
    const worker = run('worker', ['--import', 'tsx', 'apps/worker/src/main.ts'], root, /worker ready/);
    await worker.ready;
    watchForCrash(worker);
    done();

    const consoleDir = path.join(root, 'apps/console');
    const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
    if (!consoleBuildIsCurrent(root)) {
      done = step('building console (first start or sources changed)');
      const fingerprint = consoleFingerprint(root);
      const build = supervise({
        name: 'console-build',
        command: process.execPath,
        args: [nextBin, 'build', '--webpack'],
        cwd: consoleDir,
        env: childEnv,
        logDir,
      });
      cleanups.push(build.stop);
      const code = await new Promise<number | null>((resolve) => build.child.once('exit', resolve));
      if (code !== 0) throw new Error(`console build failed (exit ${code}). Last lines of ${display(build.logFile)}:\n${tail(build.logFile, 30)}`);
      markConsoleBuilt(root, fingerprint);
      done();
    }
    done = step('starting console');
    const url = consoleUrl(e);
    Object.assign(childEnv, { NEXTAUTH_URL: url, NEXTAUTH_SECRET: e.NEXTAUTH_SECRET ?? secrets.nextauthSecret, ATRIUM_CONSOLE_URL: url });
    const consoleProcess = run('console', [nextBin, 'start', '-p', String(e.ATRIUM_CONSOLE_PORT), '-H', '127.0.0.1'], consoleDir);
    try {
      await waitForHttp(`${url}/api/health`, 60_000, () => consoleProcess.child.exitCode === null);
    } catch (err) {
      throw new Error(
        `console did not become healthy (${(err as Error).message}). Last lines of ${display(consoleProcess.logFile)}:\n${tail(consoleProcess.logFile, 30)}`,
      );
    }
    watchForCrash(consoleProcess);
    done(url);

    console.log(`
${color(1, 'Atrium is up')} in ${((Date.now() - started) / 1000).toFixed(1)} s
  Console        ${url}
  Demo login     ${demo.email} / ${demo.password}
  API server     ${kcpUrl}
  Kubeconfig     ${kubeconfig}   (kubectl --kubeconfig ${display(kubeconfig)} get ns)
  Mail catcher   ${mailUrl}
  Logs           ${display(logDir)}/
Press Ctrl-C to stop.
atrium ready`);
  } catch (err) {
    if (err instanceof ConfigError) console.error(`${color(31, '✗')} ${err.message}`);
    else console.error(`${color(31, '✗')} start-up failed: ${(err as Error).message}`);
    await shutdown(err instanceof ConfigError ? 2 : 1);
  }
}

try {
  await main();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`✗ ${err.message}`);
    process.exit(2);
  }
  throw err;
}
