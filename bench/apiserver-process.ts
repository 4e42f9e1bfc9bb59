/**
 * The API server as a real child process for benchmarks, plus a keep-alive
 * HTTP caller. Benchmarks talk plain HTTP on loopback: the server accepts the
 * bearer token there (only kubectl/client-node insist on TLS), and TLS would
 * add client-side crypto cost to every measured request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@atrium/db/testing';

export const TOKEN = 'bench-admin-token-0123456789abcdef';
const ROOT = path.resolve(import.meta.dirname, '..');

export interface ApiServerProcess {
  url: string;
  child: ChildProcess;
  home: string;
}

export async function startServer(databaseUrl: string): Promise<ApiServerProcess> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-apiserver-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/apiserver/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ATRIUM_KCP_TOKEN: TOKEN, ATRIUM_APISERVER_PORT: String(port), ATRIUM_HOME: home, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /apiserver ready at (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)));
  });
  return { url, child, home };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

/** A JSON body, or a string body sent with `contentType` (an apply patch, a merge patch). */
export function call(
  base: string,
  method: string,
  urlPath: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${urlPath}`,
      {
        method,
        agent,
        headers: { authorization: `Bearer ${TOKEN}`, ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Closes the keep-alive sockets so the benchmark process can exit. */
export function closeConnections(): void {
  agent.destroy();
}
