/**
 * The cost tree through the real verbs on real Postgres: org, team and cluster nodes created
 * with their rows, a cluster's base fee (template fee + `cluster-month` rules on its labels)
 * recorded and charged up its path, caps set and cleared on the existing node, a team move
 * carrying its subtree's run-rate from the old ancestors to the new ones (with an alert where
 * the move crosses a budget), team deletion, and the tombstone releasing a cluster's run-rate.
 * After every step the recompute check agrees with the incremental amounts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { seedPlatformCatalog } from '../../seed/demo.js';
import { makeUser } from '../../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { listBudgets } from '../budgets/list-budgets.js';
import { loadClusterBudgetPath } from '../budgets/load-cluster-budget-path.js';
import { setBudget } from '../budgets/set-budget.js';
import { requestCluster } from '../clusters/request-cluster.js';
import { commitLogicalClusterStatus } from '../logical-clusters.js';
import { createOrganization } from '../orgs/create-organization.js';
import { addPriceBookEntries } from '../price-book/add-price-book-entries.js';
import { createTeam } from '../teams/create-team.js';
import { deleteTeam } from '../teams/delete-team.js';
import { updateTeam } from '../teams/update-team.js';
import { checkCost } from './check-cost.js';

const M = 1_000_000n;
let tdb: TestDatabase;
let db: PrismaClient;
let pool: pg.Pool;
let orgId = '';
let actor: { userId: string };
let membershipId = '';
const team: Record<string, string> = {};
const cluster: Record<string, string> = {};

async function committed(): Promise<Record<string, bigint>> {
  const rows = await db.budget.findMany({ where: { orgId }, include: { team: true, logicalCluster: true } });
  return Object.fromEntries(rows.map((r) => [r.scope === 'org' ? 'org' : (r.team?.slug ?? r.logicalCluster?.name ?? '?'), r.committedMicros]));
}

async function request(name: string, teamSlug: string, labels: Record<string, string> = {}) {
  const r = await requestCluster(db, {
    orgId,
    actor,
    role: 'owner',
    membershipId,
    request: { name, teamId: team[teamSlug]!, template: 'fee', regions: ['eu-west'], labels },
  });
  if (!r.allowed) throw new Error(r.headline);
  cluster[name] = r.cluster.id;
  return r.cluster;
}

async function expectCheckOk() {
  const report = await checkCost(pool, { orgSlug: 'acme' });
  expect(report.differences).toEqual([]);
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  pool = new pg.Pool({ connectionString: tdb.url, max: 2 });
  await seedPlatformCatalog(db);
  const user = await makeUser(db, 'owner');
  actor = { userId: user.id };
  orgId = (await createOrganization(db, { actor, name: 'Acme', slug: 'acme' })).id;
  membershipId = (await db.membership.findFirstOrThrow({ where: { orgId, userId: user.id } })).id;
  await db.clusterTemplate.create({
    data: { orgId, slug: 'fee', name: 'Fee', apiSets: [], allowedRegions: [], baseFeeMicros: 2n * M, defaultBudgetMicros: 10n * M, maxBudgetMicros: 50n * M },
  });
  // Production-labelled clusters pay $0.50 more a month.
  await addPriceBookEntries(db, [
    {
      type: 'rule',
      orgId,
      effectiveFrom: new Date(Date.now() - 1000),
      rule: {
        key: 'prod',
        description: 'prod',
        unit: 'cluster-month',
        priceMicros: 500_000n,
        conditions: [{ path: ['metadata', 'labels', 'env'], op: 'equals', value: 'prod' }],
      },
    },
  ]);
});

afterAll(async () => {
  await pool?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('the cost tree', () => {
  it('gives the org and every team a node without a cap', async () => {
    team.platform = (await createTeam(db, { orgId, actor, name: 'Platform', slug: 'platform' })).id;
    team.payments = (await createTeam(db, { orgId, actor, name: 'Payments', slug: 'payments', parentId: team.platform })).id;
    team.web = (await createTeam(db, { orgId, actor, name: 'Web', slug: 'web' })).id;
    const nodes = await db.budget.findMany({ where: { orgId }, orderBy: { createdAt: 'asc' } });
    expect(nodes.map((n) => [n.scope, n.teamId, n.capMicros, n.committedMicros])).toEqual([
      ['org', null, null, 0n],
      ['team', team.platform, null, 0n],
      ['team', team.payments, null, 0n],
      ['team', team.web, null, 0n],
    ]);
  });

  it('records a requested cluster’s base fee and charges it to every node on its path, with snapshots', async () => {
    const dev = await request('dev', 'payments', { env: 'prod' });
    expect(dev.runRateMicros).toBe(2_500_000n);
    expect(dev.budgetMicros).toBe(10n * M);
    expect(
      await db.objectPrice.findMany({
        where: { logicalClusterId: dev.id },
        select: { resource: true, namespace: true, name: true, kind: true, priceMicros: true },
      }),
    ).toEqual([{ resource: '', namespace: '', name: '', kind: 'LogicalCluster', priceMicros: 2_500_000n }]);
    await request('site', 'web');
    expect(await committed()).toEqual({ org: 4_500_000n, platform: 2_500_000n, payments: 2_500_000n, web: 2n * M, dev: 2_500_000n, site: 2n * M });
    expect(await db.runRateSnapshot.count({ where: { orgId } })).toBe(4 + 3);
    await expectCheckOk();
  });

  it('sets and clears caps on the existing node, and shows run-rates on every node', async () => {
    const set = await setBudget(db, { orgId, actor, target: { scope: 'team', teamId: team.platform! }, capMicros: 3n * M });
    expect(set).toMatchObject({ before: null, after: { capMicros: 3n * M, committedMicros: 2_500_000n } });
    // 83 % already: that crossing counts as announced, so no alert, and the next is 100 %.
    const platformNode = await db.budget.findFirstOrThrow({ where: { teamId: team.platform } });
    expect(platformNode.alertedPercent).toBe(80);
    const tree = await listBudgets(db, { orgId });
    expect(tree.org).toMatchObject({ runRateMicros: 4_500_000n, budget: null });
    expect(tree.teams.map((t) => [t.slug, t.runRateMicros, t.budget?.capMicros ?? null])).toEqual([
      ['payments', 2_500_000n, null],
      ['platform', 2_500_000n, 3n * M],
      ['web', 2n * M, null],
    ]);
    expect(tree.clusters.map((c) => [c.name, c.runRateMicros, c.budget?.capMicros ?? null])).toEqual([
      ['dev', 2_500_000n, 10n * M],
      ['site', 2n * M, 10n * M],
    ]);
    const path = await loadClusterBudgetPath(db, { orgId, clusterId: cluster.dev! });
    expect(path.budgets.map((b) => [b.scope, b.name, b.capMicros])).toEqual([
      ['cluster', 'dev', 10n * M],
      ['team', 'platform', 3n * M],
    ]);
    expect(path.nodes.map((n) => `${n.scope} ${n.name}`)).toEqual(['cluster dev', 'team payments', 'team platform', 'org acme']);

    const cleared = await setBudget(db, { orgId, actor, target: { scope: 'cluster', clusterId: cluster.site! }, capMicros: null });
    expect(cleared).toMatchObject({ before: { capMicros: 10n * M }, after: null });
    expect(await db.budget.findFirstOrThrow({ where: { logicalClusterId: cluster.site } })).toMatchObject({ capMicros: null, committedMicros: 2n * M });
    expect(await db.auditEvent.count({ where: { orgId, action: 'budget.clear', targetId: cluster.site } })).toBe(1);
    await expectCheckOk();
  });

  it('moves a team’s run-rate with the team: old ancestors lose it, new ones gain it (and alert)', async () => {
    await setBudget(db, { orgId, actor, target: { scope: 'team', teamId: team.web! }, capMicros: 4n * M });
    const alertsBefore = await db.budgetAlert.count({ where: { orgId } });
    // payments (with dev, $2.50) leaves platform for web: web goes to $4.50 of $4.00.
    await updateTeam(db, { orgId, actor, teamId: team.payments!, parentId: team.web! });
    expect(await committed()).toEqual({ org: 4_500_000n, platform: 0n, payments: 2_500_000n, web: 4_500_000n, dev: 2_500_000n, site: 2n * M });
    const alerts = await db.budgetAlert.findMany({ where: { orgId }, orderBy: { createdAt: 'asc' }, skip: alertsBefore, include: { budget: true } });
    expect(alerts.map((a) => [a.budget.teamId, a.thresholdPercent, a.runRateMicros, a.capMicros])).toEqual([[team.web, 100, 4_500_000n, 4n * M]]);
    // The old parent dropped below every threshold: re-armed for a new crossing.
    expect((await db.budget.findFirstOrThrow({ where: { teamId: team.platform } })).alertedPercent).toBe(0);
    const path = await loadClusterBudgetPath(db, { orgId, clusterId: cluster.dev! });
    expect(path.nodes.map((n) => `${n.scope} ${n.name} ${n.committedMicros}`)).toEqual([
      'cluster dev 2500000',
      'team payments 2500000',
      'team web 4500000',
      'org acme 4500000',
    ]);
    // A rename alone moves nothing.
    await updateTeam(db, { orgId, actor, teamId: team.payments!, name: 'Payments Team' });
    expect((await committed()).web).toBe(4_500_000n);
    await expectCheckOk();
  });

  it('releases a tombstoned cluster’s run-rate from every ancestor, once', async () => {
    await db.logicalCluster.update({ where: { id: cluster.dev }, data: { phase: 'Deleting' } });
    const tombstone = { phase: 'Deleted' as const, deletedAt: new Date() };
    expect(await commitLogicalClusterStatus(db, { id: cluster.dev!, orgId, fromPhase: 'Deleting' }, tombstone)).toBe(true);
    expect(await committed()).toEqual({ org: 2n * M, platform: 0n, payments: 0n, web: 2n * M, dev: 0n, site: 2n * M });
    expect(await db.objectPrice.count({ where: { logicalClusterId: cluster.dev } })).toBe(0);
    // A second pass from the old phase matches nothing and releases nothing.
    expect(await commitLogicalClusterStatus(db, { id: cluster.dev!, orgId, fromPhase: 'Deleting' }, tombstone)).toBe(false);
    expect((await committed()).org).toBe(2n * M);
    await expectCheckOk();
  });

  it('deletes an empty team with its node, and refuses one with clusters', async () => {
    await expect(deleteTeam(db, { orgId, actor, teamId: team.web! })).rejects.toMatchObject({ code: 'CONFLICT' });
    const spare = await createTeam(db, { orgId, actor, name: 'Spare', slug: 'spare' });
    await deleteTeam(db, { orgId, actor, teamId: spare.id });
    expect(await db.budget.count({ where: { teamId: spare.id } })).toBe(0);
    await expectCheckOk();
  });
});
