import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KcpClient } from '@atrium/kube';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');

export async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts one of the project's entry points as a real process and waits for its ready line. */
export async function startEntry(entry: string, env: Record<string, string>, readyPattern: RegExp, timeoutMs = 60_000): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!readyPattern.test(output)) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, output: () => output, exited };
}

export interface TestApiServer {
  /** https base URL (bearer tokens only travel over TLS). */
  url: string;
  token: string;
  home: string;
  caFile: string;
  kcp: KcpClient;
  stop(): Promise<void>;
}

/** The real API server as a process on `databaseUrl`, with a KcpClient that trusts its generated CA. */
export async function startTestApiServer(databaseUrl: string, token: string): Promise<TestApiServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-test-apiserver-'));
  const port = await freePort();
  const server = await startEntry(
    path.join(repoRoot, 'apps/apiserver/src/main.ts'),
    { DATABASE_URL: databaseUrl, ATRIUM_APISERVER_PORT: String(port), ATRIUM_KCP_TOKEN: token, ATRIUM_HOME: home },
    /apiserver ready at/,
  );
  const url = `https://127.0.0.1:${port}`;
  const caFile = path.join(home, 'apiserver-ca.crt');
  return {
    url,
    token,
    home,
    caFile,
    kcp: new KcpClient({ server: url, token, caPem: fs.readFileSync(caFile, 'utf8') }),
    stop: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
