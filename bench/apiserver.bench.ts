/**
 * API server throughput and latency: create/get/list/update at concurrency
 * 1/16/64 against a real server process on a fresh database, reported beside
 * the raw single-row Postgres insert rate of the same run; then watch
 * delivery latency (commit → client) with 100 and 1,000 open watches.
 */
import fs from 'node:fs';
import http from 'node:http';
import { call, closeConnections, startServer, TOKEN } from './apiserver-process.js';
import { percentile, runCount } from './stats.js';

interface Ctx {
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  report(result: Record<string, unknown>): void;
  baseline: { pgInsertsPerSecC1: number; pgInsertsPerSecC16: number };
}

export default async function run(ctx: Ctx): Promise<void> {
  const database = await ctx.createDatabase();
  const server = await startServer(database.url);
  const base = `${server.url}/clusters/root/api/v1/namespaces/default/configmaps`;
  try {
    for (const concurrency of [1, 16, 64]) {
      const total = concurrency === 1 ? 500 : 2000;
      const prefix = `c${concurrency}`;
      const baseline = concurrency === 1 ? ctx.baseline.pgInsertsPerSecC1 : ctx.baseline.pgInsertsPerSecC16;
      const expect = async (p: Promise<{ status: number; text: string }>, status: number) => {
        const r = await p;
        if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.slice(0, 200)}`);
        return r;
      };
      const create = await runCount(concurrency, total, async (i) => {
        await expect(
          call(server.url, 'POST', base.slice(server.url.length), {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${prefix}-${i}` },
            data: { i: String(i) },
          }),
          201,
        );
      });
      ctx.report({ name: 'apiserver.create', concurrency, ...create, ratioToPgInserts: +(create.opsPerSec / baseline).toFixed(3) });
      const get = await runCount(concurrency, total, async (i) => {
        await expect(call(server.url, 'GET', `${base.slice(server.url.length)}/${prefix}-${i}`), 200);
      });
      ctx.report({ name: 'apiserver.get', concurrency, ...get, ratioToPgInserts: +(get.opsPerSec / baseline).toFixed(3) });
      const list = await runCount(concurrency, Math.min(total, 500), async () => {
        await expect(call(server.url, 'GET', `${base.slice(server.url.length)}?limit=100`), 200);
      });
      ctx.report({ name: 'apiserver.list', concurrency, pageSize: 100, ...list, ratioToPgInserts: +(list.opsPerSec / baseline).toFixed(3) });
      const update = await runCount(concurrency, total, async (i) => {
        await expect(
          call(server.url, 'PUT', `${base.slice(server.url.length)}/${prefix}-${i}`, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${prefix}-${i}` },
            data: { i: String(i), updated: 'yes' },
          }),
          200,
        );
      });
      ctx.report({ name: 'apiserver.update', concurrency, ...update, ratioToPgInserts: +(update.opsPerSec / baseline).toFixed(3) });
    }
    for (const watchers of [100, 1000]) ctx.report({ name: 'apiserver.watch', watchers, ...(await watchLatency(server.url, watchers)) });
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    fs.rmSync(server.home, { recursive: true, force: true });
    closeConnections();
    await database.drop();
  }
}

/** Opens `watchers` watches on one namespace, writes 50 objects one by one, measures write → delivery to every watcher. */
async function watchLatency(url: string, watchers: number) {
  const ns = `watch-${watchers}`;
  await call(url, 'POST', '/clusters/root/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const watchAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const rv = JSON.parse((await call(url, 'GET', `/clusters/root/api/v1/namespaces/${ns}/configmaps`)).text).metadata.resourceVersion as string;
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: watchers },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.get(
            `${url}/clusters/root/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=${rv}`,
            { agent: watchAgent, headers: { authorization: `Bearer ${TOKEN}` } },
            (res) => {
              let buffer = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                buffer += chunk;
                let nl = buffer.indexOf('\n');
                while (nl >= 0) {
                  const line = buffer.slice(0, nl);
                  buffer = buffer.slice(nl + 1);
                  const name = /"name":"(w-\d+)"/.exec(line)?.[1];
                  const t0 = name ? sentAt.get(name) : undefined;
                  if (t0 !== undefined) latencies.push(performance.now() - t0);
                  nl = buffer.indexOf('\n');
                }
              });
              resolve();
            },
          );
          req.on('error', reject);
          requests.push(req);
        }),
    ),
  );
  const writes = 50;
  for (let i = 0; i < writes; i++) {
    const name = `w-${i}`;
    // Measured from the start of the write request: an upper bound on commit → delivery.
    sentAt.set(name, performance.now());
    await call(url, 'POST', `/clusters/root/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 5000;
  while (latencies.length < writes * watchers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const req of requests) req.destroy();
  watchAgent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    delivered: latencies.length,
    expected: writes * watchers,
    p50Ms: +percentile(latencies, 50).toFixed(2),
    p99Ms: +percentile(latencies, 99).toFixed(2),
  };
}
