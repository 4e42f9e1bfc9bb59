/**
 * Logical clusters through the Workspace API (issue 4): create N Workspaces
 * (default 10,000; BENCH_WORKSPACES overrides) in `root` at concurrency 32
 * against a real server process, measuring the creation rate, request → Ready
 * latency (from the start of the POST to the Ready event on a watch), the
 * server's RSS afterwards, and the time to delete them all (DELETE each, then
 * until the list is empty).
 */
import fs from 'node:fs';
import http from 'node:http';
import { call, closeConnections, startServer, TOKEN } from './apiserver-process.js';

interface Ctx {
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  report(result: Record<string, unknown>): void;
}

const WS = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function pool(concurrency: number, total: number, op: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        await op(i);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

export default async function run(ctx: Ctx): Promise<void> {
  const total = Number(process.env.BENCH_WORKSPACES ?? 10_000);
  const database = await ctx.createDatabase();
  const server = await startServer(database.url);
  try {
    const sentAt = new Map<string, number>();
    const readyAt = new Map<string, number>();
    // One watch on root's Workspaces sees every Ready transition.
    const watch = http.get(`${server.url}${WS}?watch=true`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.includes('"phase":"Ready"')) {
            const name = /"name":"(ws-\d+)"/.exec(line)?.[1];
            if (name && !readyAt.has(name)) readyAt.set(name, performance.now());
          }
          nl = buffer.indexOf('\n');
        }
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    const rssBefore = rssMiB(server.child.pid!);
    const createSeconds = await pool(32, total, async (i) => {
      const name = `ws-${i}`;
      sentAt.set(name, performance.now());
      const r = await call(server.url, 'POST', WS, { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name } });
      if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text.slice(0, 200)}`);
    });
    const deadline = Date.now() + 120_000;
    while (readyAt.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const allReadySeconds = (Math.max(...readyAt.values()) - Math.min(...sentAt.values())) / 1000;
    const latencies = [...readyAt].map(([name, at]) => at - sentAt.get(name)!).sort((a, b) => a - b);
    await new Promise((r) => setTimeout(r, 1000));
    const rssAfter = rssMiB(server.child.pid!);
    ctx.report({
      name: 'workspaces.create',
      workspaces: total,
      ready: readyAt.size,
      createPerSec: Math.round(total / createSeconds),
      readyPerSec: Math.round(readyAt.size / allReadySeconds),
      requestToReadyP50Ms: +percentile(latencies, 50).toFixed(1),
      requestToReadyP99Ms: +percentile(latencies, 99).toFixed(1),
      rssBeforeMiB: rssBefore,
      rssAfterMiB: rssAfter,
      rssPerClusterKiB: Math.round(((rssAfter - rssBefore) * 1024) / total),
    });
    watch.destroy();

    const started = performance.now();
    await pool(32, total, async (i) => {
      const r = await call(server.url, 'DELETE', `${WS}/ws-${i}`);
      if (r.status !== 200 && r.status !== 202) throw new Error(`delete ws-${i}: ${r.status} ${r.text.slice(0, 200)}`);
    });
    for (;;) {
      const list = JSON.parse((await call(server.url, 'GET', `${WS}?limit=1`)).text) as { items: unknown[] };
      if (list.items.length === 0) break;
      if (performance.now() - started > 300_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const remaining = JSON.parse((await call(server.url, 'GET', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces')).text).items.length as number;
    ctx.report({ name: 'workspaces.delete', workspaces: total, remaining, seconds: +((performance.now() - started) / 1000).toFixed(1) });
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    fs.rmSync(server.home, { recursive: true, force: true });
    closeConnections();
    await database.drop();
  }
}
