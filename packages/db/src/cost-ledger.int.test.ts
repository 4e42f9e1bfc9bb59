/**
 * The cost ledger on a real Postgres: paths innermost first, run-rates moved on every node,
 * snapshots, alerts once per crossing (with their mail job), release on tombstone, the price
 * book read over raw SQL equal to Prisma's, and exactly-as-many-as-fit under 50 concurrent
 * writers on separate connections (as separate API server replicas would hold).
 */
import { evaluateBudgets } from '@atrium/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.js';
import {
  applyCostDelta,
  BUDGET_ALERT_NOTIFY_TASK,
  budgetsOf,
  type CostPath,
  loadPriceBookSql,
  lockCostPath,
  lockCostPathAndPrice,
  prismaSqlClient,
  readCostPath,
  recordBudgetDenial,
  recordedPrice,
  recordPrice,
  releaseClusterCost,
} from './cost-ledger.js';
import { loadPriceBook } from './repositories/price-book/load-price-book.js';
import { seedPlatformCatalog } from './seed/demo.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

let db: TestDatabase;
let prisma: PrismaClient;
let pool: pg.Pool;
const ids = { org: '', platform: '', payments: '', cluster: '', other: '' };
const PATH = 'root:acme:platform:payments:dev';
const OTHER = 'root:acme:platform:web';

async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

async function committed(): Promise<Record<string, bigint>> {
  const rows = await prisma.budget.findMany({ where: { orgId: ids.org } });
  const name = (r: (typeof rows)[number]) =>
    r.scope === 'org' ? 'org' : r.scope === 'team' ? (r.teamId === ids.platform ? 'platform' : 'payments') : r.logicalClusterId === ids.cluster ? 'dev' : 'web';
  return Object.fromEntries(rows.map((r) => [name(r), r.committedMicros]));
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 2);
  pool = new pg.Pool({ connectionString: db.url, max: 20 });
  await seedPlatformCatalog(prisma);
  const org = await prisma.organization.create({ data: { slug: 'acme', name: 'Acme' } });
  const platform = await prisma.team.create({ data: { orgId: org.id, slug: 'platform', name: 'Platform' } });
  const payments = await prisma.team.create({ data: { orgId: org.id, slug: 'payments', name: 'Payments', parentId: platform.id } });
  const template = await prisma.clusterTemplate.create({ data: { orgId: org.id, slug: 'std', name: 'Std', apiSets: [], allowedRegions: [] } });
  const cluster = await prisma.logicalCluster.create({
    data: { orgId: org.id, teamId: payments.id, name: 'dev', kcpPath: PATH, templateId: template.id, regions: ['eu-west'], phase: 'Ready' },
  });
  const other = await prisma.logicalCluster.create({
    data: { orgId: org.id, teamId: platform.id, name: 'web', kcpPath: OTHER, templateId: template.id, regions: [], phase: 'Ready' },
  });
  await prisma.budget.createMany({
    data: [
      { orgId: org.id, scope: 'org', capMicros: null },
      { orgId: org.id, scope: 'team', teamId: platform.id, capMicros: 50_000_000n },
      { orgId: org.id, scope: 'team', teamId: payments.id, capMicros: 10_000_000n },
      { orgId: org.id, scope: 'cluster', logicalClusterId: cluster.id, capMicros: null },
      { orgId: org.id, scope: 'cluster', logicalClusterId: other.id, capMicros: null },
    ],
  });
  Object.assign(ids, { org: org.id, platform: platform.id, payments: payments.id, cluster: cluster.id, other: other.id });
});

afterAll(async () => {
  await pool.end();
  await prisma.$disconnect();
  await db.drop();
});

describe('cost paths', () => {
  it('lists every node innermost first, with only capped nodes as budgets', async () => {
    const path = await inTransaction((c) => lockCostPath(c, PATH));
    expect(path?.nodes.map((n) => `${n.scope} ${n.name}`)).toEqual(['cluster dev', 'team payments', 'team platform', 'org acme']);
    expect(path?.regions).toEqual(['eu-west']);
    expect(budgetsOf(path!).map((b) => b.name)).toEqual(['payments', 'platform']);
    expect(await readCostPath(pool, 'root:acme')).toBeUndefined();
  });
});

describe('recording a price', () => {
  it('moves every node on the path, snapshots each, and recomputes nothing else', async () => {
    const key = { resource: 'services', namespace: 'default', name: 'web', kind: 'Service' };
    await inTransaction(async (c) => {
      const path = (await lockCostPath(c, PATH))!;
      const old = await recordedPrice(c, path.logicalClusterId, key);
      expect(old).toBe(0n);
      await recordPrice(c, path, key, 1_000_000n);
      await applyCostDelta(c, path, 1_000_000n - old);
    });
    expect(await committed()).toMatchObject({ dev: 1_000_000n, payments: 1_000_000n, platform: 1_000_000n, org: 1_000_000n, web: 0n });
    expect(await prisma.runRateSnapshot.count({ where: { orgId: ids.org } })).toBe(4);
    // Back to free: the row goes, the amounts return.
    await inTransaction(async (c) => {
      const path = (await lockCostPath(c, PATH))!;
      const old = await recordedPrice(c, path.logicalClusterId, key);
      await recordPrice(c, path, key, 0n);
      await applyCostDelta(c, path, -old);
    });
    expect(await committed()).toMatchObject({ dev: 0n, payments: 0n, platform: 0n, org: 0n });
    expect(await prisma.objectPrice.count({ where: { orgId: ids.org } })).toBe(0);
  });
});

describe('alerts', () => {
  it('raises one alert (with its mail job) per upward crossing of 50/80/100 %', async () => {
    const step = async (delta: bigint) => inTransaction(async (c) => applyCostDelta(c, (await lockCostPath(c, PATH))!, delta));
    expect((await step(4_000_000n)).alertIds).toHaveLength(0); // payments 40 %
    expect((await step(1_000_000n)).alertIds).toHaveLength(1); // payments 50 %
    expect((await step(1_000_000n)).alertIds).toHaveLength(0); // 60 %: already announced
    expect((await step(3_000_000n)).alertIds).toHaveLength(1); // 90 %: 80 crossed
    expect((await step(-5_000_000n)).alertIds).toHaveLength(0); // 40 %: re-armed
    expect((await step(5_000_000n)).alertIds).toHaveLength(1); // 90 % again: 80 announced again
    const alerts = await prisma.budgetAlert.findMany({ where: { orgId: ids.org }, orderBy: { createdAt: 'asc' } });
    expect(alerts.map((a) => a.thresholdPercent)).toEqual([50, 80, 80]);
    const jobs = await pool.query(
      `select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = $1`,
      [BUDGET_ALERT_NOTIFY_TASK],
    );
    expect(jobs.rows.map((r) => r.payload.alertId).sort()).toEqual(alerts.map((a) => a.id).sort());
    await step(-9_000_000n);
  });
});

describe('releasing a tombstoned cluster', () => {
  it('subtracts its run-rate from every ancestor and drops its prices', async () => {
    const key = { resource: 'services', namespace: 'default', name: 'lb', kind: 'Service' };
    for (const [kcpPath, price] of [
      [PATH, 2_000_000n],
      [OTHER, 3_000_000n],
    ] as const) {
      await inTransaction(async (c) => {
        const path = (await lockCostPath(c, kcpPath))!;
        await recordPrice(c, path, key, price);
        await applyCostDelta(c, path, price);
      });
    }
    expect(await committed()).toMatchObject({ dev: 2_000_000n, web: 3_000_000n, payments: 2_000_000n, platform: 5_000_000n, org: 5_000_000n });
    await inTransaction((c) => releaseClusterCost(c, ids.cluster));
    await inTransaction((c) => releaseClusterCost(c, ids.cluster)); // idempotent
    expect(await committed()).toMatchObject({ dev: 0n, web: 3_000_000n, payments: 0n, platform: 3_000_000n, org: 3_000_000n });
    expect(await prisma.objectPrice.count({ where: { logicalClusterId: ids.cluster } })).toBe(0);
    await inTransaction(async (c) => {
      const path = (await lockCostPath(c, OTHER))!;
      await recordPrice(c, path, key, 0n);
      await applyCostDelta(c, path, -3_000_000n);
    });
  });
});

describe('through Prisma', () => {
  it('runs the same ledger inside a Prisma transaction and records denials', async () => {
    await prisma.$transaction(async (tx) => {
      const client = prismaSqlClient(tx);
      const path = (await lockCostPath(client, PATH)) as CostPath;
      expect(path.nodes).toHaveLength(4);
      await recordBudgetDenial(client, path, { object: 'Service default/x (LoadBalancer)', deltaMicros: 1_000_000n, message: 'no', username: 'alice' });
    });
    expect(await prisma.budgetDenial.count({ where: { orgId: ids.org } })).toBe(1);
  });

  it('reads the same price book as Prisma does', async () => {
    const at = new Date();
    expect(await loadPriceBookSql(pool, ids.org, at)).toEqual(await loadPriceBook(prisma, { orgId: ids.org, at }));
  });
});

describe('concurrency', () => {
  it('admits exactly as many concurrent $1 creates as the tightest budget allows', async () => {
    const before = await committed();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        inTransaction(async (c) => {
          const path = (await lockCostPath(c, PATH))!;
          const decision = evaluateBudgets(budgetsOf(path), 1_000_000n, `Service default/s${i} (LoadBalancer)`);
          if (!decision.allowed) return false;
          await recordPrice(c, path, { resource: 'services', namespace: 'default', name: `s${i}`, kind: 'Service' }, 1_000_000n);
          await applyCostDelta(c, path, 1_000_000n);
          return true;
        }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(Number((10_000_000n - before.payments!) / 1_000_000n));
    expect((await committed()).payments).toBe(10_000_000n);
    const sum = await prisma.objectPrice.aggregate({ where: { logicalClusterId: ids.cluster }, _sum: { priceMicros: true } });
    expect(sum._sum.priceMicros).toBe(10_000_000n);
  });
});

describe('the one-round-trip lock (priced-write hot path)', () => {
  it('opens the transaction, locks the path and reads the price after the lock is held', async () => {
    const key = { resource: 'services', namespace: "o'brien", name: 'lb', kind: 'Service' };
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      const first = await lockCostPathAndPrice(a, OTHER, key, { begin: true });
      expect(first?.path.nodes.map((n) => `${n.scope} ${n.name}`)).toEqual(['cluster web', 'team platform', 'org acme']);
      expect(first?.oldPriceMicros).toBe(0n);
      const amounts = first!.path.nodes.map((n) => n.committedMicros);
      // `begin` went with it: the transaction is still open and holds the path.
      await expect(pool.query(`select id from "Budget" where id = $1 for update nowait`, [first!.path.nodes[0]!.id])).rejects.toThrow(/could not obtain lock/);
      // A second writer waits for the path, then must see the price the first one commits.
      const second = lockCostPathAndPrice(b, OTHER, key, { begin: true });
      await new Promise((r) => setTimeout(r, 100));
      await recordPrice(a, first!.path, key, 3_000_000n);
      await applyCostDelta(a, first!.path, 3_000_000n);
      await a.query('commit');
      const seen = await second;
      expect(seen?.oldPriceMicros).toBe(3_000_000n);
      expect(seen?.path.nodes.map((n) => n.committedMicros)).toEqual(amounts.map((m) => m + 3_000_000n));
      await recordPrice(b, seen!.path, key, 0n);
      await applyCostDelta(b, seen!.path, -3_000_000n);
      await b.query('commit');
      expect(await prisma.objectPrice.count({ where: { logicalClusterId: ids.other } })).toBe(0);
      // Not a live Atrium cluster: nothing to lock (and no transaction was left open without `begin`).
      expect(await lockCostPathAndPrice(a, 'root:acme', key)).toBeUndefined();
    } finally {
      a.release();
      b.release();
    }
  });
});
