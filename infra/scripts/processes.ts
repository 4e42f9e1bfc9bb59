import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A supervised child process whose output goes to a log file, while its
 * stdout is scanned for a readiness line. Used by `npm start` only.
 */
export interface Supervised {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when `readyPattern` appears on stdout; rejects if the process exits first. */
  ready: Promise<string>;
  stop(): Promise<void>;
}

export function supervise(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  readyPattern?: RegExp;
}): Supervised {
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} starting ${options.command} ${options.args.join(' ')}\n`);
  // Not detached: children share our process group, so a Ctrl-C or a kill of
  // the whole group (a closed terminal, an OOM kill) takes them down too and
  // never leaves orphans holding ports. Each child handles SIGINT itself.
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdoutTail = '';
  const ready = new Promise<string>((resolve, reject) => {
    if (!options.readyPattern) resolve('');
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      stdoutTail = (stdoutTail + chunk.toString()).slice(-4000);
      const match = options.readyPattern && stdoutTail.match(options.readyPattern);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code, signal) => reject(new Error(`${options.name} exited (${signal ?? `code ${code}`}) before it was ready; see ${logFile}`)));
  });
  ready.catch(() => undefined);
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        log.end();
        resolve();
      });
      child.kill('SIGTERM');
    });
    return stopping;
  };
  return { name: options.name, child, logFile, ready, stop };
}

export function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (!alive()) throw new Error(`process serving ${url} exited`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
