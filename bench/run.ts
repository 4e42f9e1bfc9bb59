/**
 * `npm run bench [filter]`: starts a durable embedded Postgres (same settings
 * as `npm start`), measures the raw single-row insert-and-commit baseline at
 * concurrency 1 and 16, then runs every bench/*.bench.ts with that baseline so
 * each result can be reported as a ratio measured in the same run. Prints one
 * JSON line per result on stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDeploy } from '@atrium/db';
import { ensureDatabase, startEmbeddedPostgres } from '@atrium/db/embedded';
import { freePort } from '@atrium/db/testing';
import pg from 'pg';
import { runLoad } from './stats.js';

export interface BenchContext {
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  report(result: Record<string, unknown>): void;
  baseline: { pgInsertsPerSecC1: number; pgInsertsPerSecC16: number };
}

const filter = process.argv[2];
const durationMs = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const report = (result: Record<string, unknown>) => console.log(JSON.stringify({ at: new Date().toISOString(), ...result }));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-'));
fs.chmodSync(dir, 0o755);
const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await freePort() });
try {
  await ensureDatabase(server.adminUrl, 'bench_template');
  await migrateDeploy(server.urlFor('bench_template'));
  let n = 0;
  const createDatabase = async () => {
    const name = `bench_${process.pid}_${n++}`;
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template bench_template`);
    await admin.end();
    return {
      url: server.urlFor(name),
      drop: async () => {
        const c = new pg.Client({ connectionString: server.adminUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  };

  // Baseline: what Postgres itself sustains for one durable single-row commit.
  const baselineDb = await createDatabase();
  const pool = new pg.Pool({ connectionString: baselineDb.url, max: 16 });
  await pool.query('create table bench_insert (id bigserial primary key, payload jsonb not null)');
  const payload = JSON.stringify({ kind: 'ConfigMap', data: { key: 'value'.repeat(20) } });
  const baseline = { pgInsertsPerSecC1: 0, pgInsertsPerSecC16: 0 };
  for (const concurrency of [1, 16]) {
    const result = await runLoad(concurrency, durationMs, async () => {
      await pool.query('insert into bench_insert (payload) values ($1)', [payload]);
    });
    if (concurrency === 1) baseline.pgInsertsPerSecC1 = result.opsPerSec;
    else baseline.pgInsertsPerSecC16 = result.opsPerSec;
    report({ bench: 'postgres.insert-commit', concurrency, ...result, ratioToBaseline: 1 });
  }
  await pool.end();
  await baselineDb.drop();

  const files = fs.readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)));
  for (const file of files.sort()) {
    const mod = (await import(path.join(import.meta.dirname, file))) as { default: (ctx: BenchContext) => Promise<void> };
    await mod.default({ createDatabase, report: (r) => report({ file, ...r }), baseline });
  }
} finally {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
