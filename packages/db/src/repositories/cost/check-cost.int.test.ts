/**
 * The recompute check on real Postgres: a cost tree built through the real verbs (clusters
 * with base fees), objects in the API server's storage tables with their prices recorded as
 * admission records them, then one corrupted price and one corrupted committed amount: the
 * check (the repository function and the `npm run cost:check` CLI) fails naming both, `--fix`
 * rewrites them, and the check passes again; a price-book change is caught and fixed the same way.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { priceObject } from '@atrium/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { applyCostDelta, loadPriceBookSql, lockCostPath, recordedPrice, recordPrice } from '../../cost-ledger.js';
import { seedPlatformCatalog } from '../../seed/demo.js';
import { makeOrg } from '../../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { requestCluster } from '../clusters/request-cluster.js';
import { addPriceBookEntries } from '../price-book/add-price-book-entries.js';
import { createTeam } from '../teams/create-team.js';
import { checkCost, formatCostCheckReport } from './check-cost.js';

const M = 1_000_000n;
const ROOT = path.resolve(import.meta.dirname, '../../../../..');
// The two storage tables the check reads, as apps/apiserver/src/storage/migrate.ts creates them
// (that process migrates its own schema; it does not run here).
const APISERVER_DDL = `
create schema if not exists apiserver;
create table if not exists apiserver.logical_clusters (
  name text primary key, path text not null unique, parent text, uid uuid not null, owner text,
  phase text not null default 'Ready', created_at timestamptz not null default now());
create table if not exists apiserver.objects (
  cluster text not null, resource text not null, namespace text not null, name text not null,
  rv bigint not null, value text not null, primary key (cluster, resource, namespace, name));`;

let tdb: TestDatabase;
let db: PrismaClient;
let pool: pg.Pool;
let orgId = '';
const clusters: Record<string, { id: string; kcpPath: string }> = {};

const service = (name: string, type: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type } });
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] } } },
};

/** Stores an object and records its price the way admission does: path locked, price recorded, delta applied. */
async function admit(cluster: string, resource: string, object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }) {
  const c = clusters[cluster]!;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const costPath = (await lockCostPath(client, c.kcpPath))!;
    const book = await loadPriceBookSql(client, orgId, new Date());
    const price = priceObject(object, book, { region: costPath.regions[0]! }).priceMicros;
    const key = { resource, namespace: object.metadata.namespace ?? '', name: object.metadata.name };
    const old = await recordedPrice(client, c.id, key);
    await client.query(
      `insert into apiserver.objects (cluster, resource, namespace, name, rv, value) values ($1, $2, $3, $4, 1, $5)
       on conflict (cluster, resource, namespace, name) do update set value = excluded.value`,
      [`lc-${cluster}`, resource, key.namespace, key.name, JSON.stringify(object)],
    );
    await recordPrice(client, costPath, { ...key, kind: object.kind }, price);
    await applyCostDelta(client, costPath, price - old);
    await client.query('commit');
  } finally {
    client.release();
  }
}

async function committed(): Promise<Record<string, bigint>> {
  const rows = await db.budget.findMany({ where: { orgId }, include: { team: true, logicalCluster: true } });
  return Object.fromEntries(rows.map((r) => [r.scope === 'org' ? 'org' : (r.team?.slug ?? r.logicalCluster?.name ?? '?'), r.committedMicros]));
}

function cli(...args: string[]) {
  const run = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'packages/db/src/cli/cost-check.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: tdb.url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  pool = new pg.Pool({ connectionString: tdb.url, max: 4 });
  await pool.query(APISERVER_DDL);
  await seedPlatformCatalog(db);
  const f = await makeOrg(db, 'acme', { owner: 'owner' });
  orgId = f.org.id;
  const actor = { userId: f.users.owner!.id };
  const platform = await createTeam(db, { orgId, actor, name: 'Platform', slug: 'platform' });
  const payments = await createTeam(db, { orgId, actor, name: 'Payments', slug: 'payments', parentId: platform.id });
  await db.clusterTemplate.create({ data: { orgId, slug: 'fee', name: 'Fee', apiSets: [], allowedRegions: [], baseFeeMicros: 2n * M } });
  const request = async (name: string, teamId: string, template: string) => {
    const r = await requestCluster(db, {
      orgId,
      actor,
      role: 'owner',
      membershipId: f.memberships.owner!.id,
      request: { name, teamId, template, regions: ['eu-west'] },
    });
    if (!r.allowed) throw new Error(r.headline);
    clusters[name] = { id: r.cluster.id, kcpPath: r.cluster.kcpPath };
    await pool.query(`insert into apiserver.logical_clusters (name, path, uid) values ($1, $2, gen_random_uuid())`, [`lc-${name}`, r.cluster.kcpPath]);
  };
  await request('dev', payments.id, 'fee');
  await request('web', platform.id, 'standard');
  await admit('dev', 'services', service('lb', 'LoadBalancer'));
  await admit('dev', 'services', service('internal', 'ClusterIP'));
  await admit('dev', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } });
  await admit('web', 'deployments.apps', deployment);
  // The API server's own LogicalCluster object in each cluster: priced as the base fee, never as an object.
  await pool.query(
    `insert into apiserver.objects (cluster, resource, namespace, name, rv, value) values ('lc-dev', 'logicalclusters.core.kcp.io', '', 'cluster', 1, $1)`,
    [JSON.stringify({ apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: 'cluster' } })],
  );
});

afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('cost check', () => {
  it('agrees to the micro-dollar with what the ledger recorded', async () => {
    const r = await checkCost(pool);
    expect(r.differences).toEqual([]);
    expect(formatCostCheckReport(r)).toBe('ok: 1 org, 2 clusters, 4 priced objects, all agree to the micro-dollar');
    // $2 base fee + $1 LoadBalancer + $0.001 ClusterIP in dev; 2 × (0.5 vCPU + 256 MiB) = 1 vCPU + 0.5 GiB in web.
    const web = 23_076_030n + 1_546_505n;
    expect(await committed()).toEqual({ org: 3_001_000n + web, platform: 3_001_000n + web, payments: 3_001_000n, dev: 3_001_000n, web });
  });

  it('fails naming a corrupted price and a corrupted committed amount, and --fix makes it pass', async () => {
    await db.objectPrice.updateMany({ where: { logicalClusterId: clusters.dev!.id, name: 'lb' }, data: { priceMicros: 900_000n } });
    await db.budget.updateMany({ where: { orgId, scope: 'team', team: { slug: 'platform' } }, data: { committedMicros: { increment: 5n } } });
    const before = await committed();

    const failed = await checkCost(pool, { orgSlug: 'acme' });
    expect(failed.differences).toEqual([
      {
        kind: 'object',
        org: 'acme',
        cluster: 'root:acme:platform:payments:dev',
        resource: 'services',
        namespace: 'default',
        name: 'lb',
        objectKind: 'Service',
        expectedMicros: M,
        recordedMicros: 900_000n,
      },
      { kind: 'node', org: 'acme', scope: 'team', name: 'platform', expectedMicros: before.platform! - 5n, committedMicros: before.platform },
    ]);
    const text = formatCostCheckReport(failed);
    expect(text).toContain(
      'acme: Service default/lb (services) in root:acme:platform:payments:dev: expected $1.00/mo (1000000 micro-$), recorded $0.90/mo (900000 micro-$)',
    );
    expect(text).toMatch(/^FAILED: 2 differences \(1 org, 2 clusters, 4 priced objects\)/m);
    const viaCli = cli('--org', 'acme');
    expect(viaCli.code, viaCli.out).toBe(1);
    expect(viaCli.out).toContain('acme: team platform run-rate: expected');

    const fixed = await checkCost(pool, { fix: true });
    expect(fixed.fixed).toBe(true);
    expect((await db.objectPrice.findFirstOrThrow({ where: { logicalClusterId: clusters.dev!.id, name: 'lb' } })).priceMicros).toBe(M);
    expect((await committed()).platform).toBe(before.platform! - 5n);
    expect(await db.runRateSnapshot.count({ where: { orgId, runRateMicros: before.platform! - 5n, budget: { scope: 'team' } } })).toBeGreaterThan(0);
    expect((await checkCost(pool)).differences).toEqual([]);
    const ok = cli();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out.trim()).toBe('ok: 1 org, 2 clusters, 4 priced objects, all agree to the micro-dollar');
  });

  it('catches a price-book change (objects and base fees repriced) and --fix moves every node on the path', async () => {
    const before = await committed();
    await addPriceBookEntries(db, [
      {
        type: 'rule',
        orgId,
        effectiveFrom: new Date(Date.now() - 1000),
        rule: {
          key: 'service-load-balancer',
          description: 'LB',
          unit: 'object',
          priceMicros: 3n * M,
          apiGroup: '',
          kind: 'Service',
          conditions: [{ path: 'spec.type', op: 'equals', value: 'LoadBalancer' }],
        },
      },
      {
        type: 'rule',
        orgId,
        effectiveFrom: new Date(Date.now() - 1000),
        rule: { key: 'cluster', description: 'per cluster', unit: 'cluster-month', priceMicros: 500_000n },
      },
    ]);
    const failed = await checkCost(pool);
    expect(failed.differences.filter((d) => d.kind === 'object').map((d) => (d.kind === 'object' ? [d.cluster, d.name, d.expectedMicros] : null))).toEqual([
      ['root:acme:platform:payments:dev', '', 2_500_000n],
      ['root:acme:platform:payments:dev', 'lb', 3n * M],
      ['root:acme:platform:web', '', 500_000n],
    ]);
    expect(cli('--fix').code).toBe(0);
    expect(await committed()).toEqual({
      org: before.org! + 3n * M,
      platform: before.platform! + 3n * M,
      payments: before.payments! + 2_500_000n,
      dev: before.dev! + 2_500_000n,
      web: before.web! + 500_000n,
    });
    expect(cli().code).toBe(0);
  });

  it('refuses an unknown org and bad arguments with exit code 2', () => {
    expect(cli('--org', 'nope').code).toBe(2);
    expect(cli('--frobnicate').code).toBe(2);
  });
});
