/**
 * The provisioning hot path's rows on real Postgres, with the SQL statements each call sends
 * counted (deterministic, unlike timings): a cluster request, the reconciler's load of a cluster
 * with its template, and its status commit.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { commitLogicalClusterStatus, createLogicalClusterRequest, loadLogicalClusterForReconcile } from '../logical-clusters.js';

let tdb: TestDatabase;
let db: PrismaClient;
let raw: pg.Client;
const ids = { org: '', team: '', free: '', priced: '', platform: '', user: '' };

/** Runs `fn` and returns its result with the statements it sent (every pg client in this process). */
async function counted<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    statements.push((typeof q === 'string' ? q : (q?.text ?? '')).trim().split(/\s+/)[0]!.toLowerCase());
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { result: await fn(), statements };
  } finally {
    pg.Client.prototype.query = original;
  }
}

const request = (name: string, templateId = ids.free, extra: { capMicros?: bigint; labels?: Record<string, string> } = {}) => ({
  orgId: ids.org,
  teamId: ids.team,
  name,
  kcpPath: `root:acme:payments:${name}`,
  templateId,
  regions: ['eu-west', 'us-east'],
  requestedById: ids.user,
  ...extra,
});

async function jobKeys(): Promise<string[]> {
  const { rows } = await raw.query<{ key: string }>('select key from graphile_worker.jobs order by id');
  return rows.map((r) => r.key);
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  raw = new pg.Client({ connectionString: tdb.url });
  await raw.connect();
  const user = await db.user.create({ data: { email: 'dev@acme.test' } });
  const org = await db.organization.create({ data: { slug: 'acme', name: 'Acme' } });
  await db.budget.create({ data: { orgId: org.id, scope: 'org' } });
  const team = await db.team.create({ data: { orgId: org.id, slug: 'payments', name: 'Payments' } });
  await db.budget.create({ data: { orgId: org.id, scope: 'team', teamId: team.id } });
  const free = await db.clusterTemplate.create({
    data: { orgId: org.id, slug: 'standard', name: 'Standard', apiSets: ['workloads'], allowedRegions: ['eu-west'] },
  });
  const priced = await db.clusterTemplate.create({
    data: { orgId: org.id, slug: 'big', name: 'Big', apiSets: [], allowedRegions: [], baseFeeMicros: 5_000_000n },
  });
  const platform = await db.clusterTemplate.create({
    data: { orgId: null, slug: 'shared', name: 'Shared', apiSets: [], allowedRegions: [], podSecurity: 'restricted' },
  });
  Object.assign(ids, { org: org.id, team: team.id, free: free.id, priced: priced.id, platform: platform.id, user: user.id });
}, 60_000);

afterAll(async () => {
  await raw?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('createLogicalClusterRequest', () => {
  it('records a free cluster, its cost node and its job with one read and one write statement, no transaction', async () => {
    const { result: row, statements } = await counted(() =>
      createLogicalClusterRequest(db, request('dev', ids.free, { capMicros: 7n, labels: { tier: 'gold' } })),
    );
    expect(statements).toEqual(['select', 'with']);
    const stored = await db.logicalCluster.findUniqueOrThrow({ where: { id: row.id } });
    // What the caller gets back is exactly the stored row (timestamps included).
    expect(stored).toEqual(row);
    expect(stored).toMatchObject({ phase: 'Requested', regions: ['eu-west', 'us-east'], labels: { tier: 'gold' }, requestedById: ids.user });
    expect(row.id).toMatch(/^c[0-9a-z]{24}$/);
    const node = await db.budget.findFirstOrThrow({ where: { logicalClusterId: row.id } });
    expect(node).toMatchObject({ orgId: ids.org, scope: 'cluster', teamId: null, capMicros: 7n, committedMicros: 0n });
    expect(await jobKeys()).toContain(`lc:${row.id}`);
    const job = await raw.query<{ task: string; payload: unknown; max: number }>(
      `select t.identifier as task, j.payload, j.max_attempts as max
         from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`lc:${row.id}`],
    );
    expect(job.rows[0]).toEqual({ task: 'logical-cluster-reconcile', payload: { logicalClusterId: row.id }, max: 25 });
  });

  it('charges a priced cluster’s base fee up its path in one transaction', async () => {
    const { result: row, statements } = await counted(() => createLogicalClusterRequest(db, request('big', ids.priced)));
    expect(statements[0]).toBe('select'); // the price book
    expect(statements[1]).toBe('with'); // the free-path insert, which inserts nothing for a priced template
    expect(statements).toContain('begin');
    const nodes = await db.budget.findMany({ where: { orgId: ids.org }, select: { scope: true, committedMicros: true, logicalClusterId: true } });
    expect(nodes.find((n) => n.logicalClusterId === row.id)?.committedMicros).toBe(5_000_000n);
    expect(nodes.find((n) => n.scope === 'org')?.committedMicros).toBe(5_000_000n);
    expect(await db.logicalCluster.count({ where: { id: row.id } })).toBe(1);
    expect(await db.budget.count({ where: { logicalClusterId: row.id } })).toBe(1);
    expect(await jobKeys()).toContain(`lc:${row.id}`);
  });

  it('writes nothing when a statement fails (an unknown team), and refuses an unknown template', async () => {
    const before = await db.logicalCluster.count();
    await expect(createLogicalClusterRequest(db, { ...request('ghost'), teamId: 'no-such-team' })).rejects.toThrow();
    await expect(createLogicalClusterRequest(db, request('ghost', 'no-such-template'))).rejects.toThrow(/does not exist/);
    expect(await db.logicalCluster.count()).toBe(before);
    expect(await db.budget.count({ where: { scope: 'cluster', logicalCluster: { name: 'ghost' } } })).toBe(0);
  });

  it('joins a caller’s transaction: a rollback takes the row, node and job with it', async () => {
    const jobsBefore = (await jobKeys()).length;
    await expect(
      db.$transaction(async (tx) => {
        await createLogicalClusterRequest(tx, request('rolled-back'));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await db.logicalCluster.count({ where: { name: 'rolled-back' } })).toBe(0);
    expect((await jobKeys()).length).toBe(jobsBefore);
  });
});

describe('loadLogicalClusterForReconcile', () => {
  it('loads the cluster with its org, template (and the template’s org) and requester in one statement', async () => {
    const own = await createLogicalClusterRequest(db, request('own'));
    const shared = await createLogicalClusterRequest(db, { ...request('shared', ids.platform), requestedById: undefined });
    const template = await db.clusterTemplate.findUniqueOrThrow({ where: { id: ids.free } });
    const { result, statements } = await counted(() => loadLogicalClusterForReconcile(db, own.id));
    expect(statements).toEqual(['select']);
    expect(result).toEqual({
      id: own.id,
      orgId: ids.org,
      orgSlug: 'acme',
      teamId: ids.team,
      name: 'own',
      kcpPath: 'root:acme:payments:own',
      phase: 'Requested',
      url: null,
      requestedById: ids.user,
      requestedByEmail: 'dev@acme.test',
      template: {
        id: ids.free,
        orgId: ids.org,
        orgSlug: 'acme',
        slug: 'standard',
        name: 'Standard',
        apiSets: ['workloads'],
        allowedRegions: ['eu-west'],
        podSecurity: 'baseline',
        updatedAt: template.updatedAt,
      },
    });
    const platform = await loadLogicalClusterForReconcile(db, shared.id);
    expect(platform).toMatchObject({
      requestedById: null,
      requestedByEmail: null,
      template: { orgId: null, orgSlug: null, slug: 'shared', podSecurity: 'restricted' },
    });
    expect(await loadLogicalClusterForReconcile(db, 'no-such-cluster')).toBeUndefined();
  });
});

describe('commitLogicalClusterStatus', () => {
  it('commits with one UPDATE guarded by org and starting phase, touching only the fields in the patch', async () => {
    const row = await createLogicalClusterRequest(db, request('commit', ids.free));
    await db.logicalCluster.update({ where: { id: row.id }, data: { message: 'waiting', backendClusterId: 'kept' } });
    const readyAt = new Date('2026-11-27T12:34:56.789Z');
    const { result, statements } = await counted(() =>
      commitLogicalClusterStatus(
        db,
        { id: row.id, orgId: ids.org, fromPhase: 'Requested' },
        { phase: 'Ready', message: null, url: 'https://x/clusters/a', readyAt },
      ),
    );
    expect(result).toBe(true);
    expect(statements).toEqual(['update']);
    const stored = await db.logicalCluster.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({ phase: 'Ready', message: null, url: 'https://x/clusters/a', backendClusterId: 'kept', readyAt, deletedAt: null });
    expect(stored.updatedAt.getTime()).toBeGreaterThanOrEqual(row.updatedAt.getTime());
    // The phase moved on since the pass started, or another org's id: nothing changes.
    expect(await commitLogicalClusterStatus(db, { id: row.id, orgId: ids.org, fromPhase: 'Provisioning' }, { phase: 'Failed', message: 'x' })).toBe(false);
    expect(await commitLogicalClusterStatus(db, { id: row.id, orgId: 'another-org', fromPhase: 'Ready' }, { phase: 'Failed', message: 'x' })).toBe(false);
    expect(await db.logicalCluster.findUniqueOrThrow({ where: { id: row.id } })).toEqual(stored);
  });
});
