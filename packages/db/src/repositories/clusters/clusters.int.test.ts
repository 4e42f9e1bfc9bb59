/**
 * The cluster request verb on real Postgres: acquisition policy wired to real rows (every
 * denial kind, with the rule and where it is defined), name uniqueness, tenant isolation,
 * atomicity (nothing written on a denial) and the kubeconfig token written to the API
 * server's `apiserver.tokens` table.
 */
import { type AcquisitionRule, AppError, type Role, sha256Hex } from '@atrium/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../client.js';
import { seedPlatformCatalog } from '../../seed/demo.js';
import { makeOrg } from '../../seed/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing.js';
import { deleteCluster } from './delete-cluster.js';
import { getCluster } from './get-cluster.js';
import { issueClusterCredentials } from './issue-cluster-credentials.js';
import { listClusters } from './list-clusters.js';
import { type ClusterRequestInput, type ClusterRequestResult, requestCluster } from './request-cluster.js';

const M = 1_000_000n;
// The API server's table, exactly as apps/apiserver/src/storage/migrate.ts creates it (that
// process migrates its own schema; here it does not run).
const APISERVER_TOKENS_DDL = `
create schema if not exists apiserver;
create table if not exists apiserver.tokens (
  token_hash text primary key,
  username text not null,
  groups text[] not null default '{}',
  clusters text[],
  wildcard boolean not null default false,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);`;

let tdb: TestDatabase;
let db: PrismaClient;
let raw: pg.Client;
type Fixture = Awaited<ReturnType<typeof makeOrg>>;
let acme: Fixture;
let other: Fixture;
const team: Record<string, string> = {};
let otherTeamId = '';

async function as(label: string, request: Partial<ClusterRequestInput> & { name: string; teamId: string }, f: Fixture = acme): Promise<ClusterRequestResult> {
  const m = f.memberships[label]!;
  return requestCluster(db, {
    orgId: f.org.id,
    actor: { userId: f.users[label]!.id },
    role: m.role as Role,
    membershipId: m.id,
    request: { template: 'standard', regions: ['eu-west'], ...request },
  });
}

function denial(result: ClusterRequestResult): { rules: AcquisitionRule[]; headline: string } {
  if (result.allowed) throw new Error(`expected a denial, got cluster ${result.cluster.kcpPath}`);
  return { rules: result.violations.map((v) => v.rule), headline: result.headline };
}

async function counts() {
  const [clusters, budgets, audit, jobs] = await Promise.all([
    db.logicalCluster.count(),
    db.budget.count(),
    db.auditEvent.count(),
    raw.query<{ n: number }>('select count(*)::int as n from graphile_worker.jobs'),
  ]);
  return { clusters, budgets, audit, jobs: jobs.rows[0]!.n };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = createPrismaClient(tdb.url, 4);
  raw = new pg.Client({ connectionString: tdb.url });
  await raw.connect();
  await raw.query(APISERVER_TOKENS_DDL);
  await seedPlatformCatalog(db);
  acme = await makeOrg(db, 'acme', { owner: 'owner', dev: 'developer', stranger: 'developer', billing: 'billing' });
  other = await makeOrg(db, 'other', { owner: 'owner' });
  const mk = async (slug: string, parentId: string | null = null, extra: { maxClusters?: number } = {}) =>
    (team[slug] = (await db.team.create({ data: { orgId: acme.org.id, slug, name: slug, parentId, ...extra } })).id);
  await mk('platform');
  await mk('payments', team.platform);
  await mk('checkout', team.payments);
  await mk('web', null, { maxClusters: 1 });
  await mk('data');
  await db.budget.create({ data: { orgId: acme.org.id, scope: 'team', teamId: team.data, capMicros: 30n * M } });
  await db.teamMember.create({ data: { teamId: team.payments!, membershipId: acme.memberships.dev!.id } });
  otherTeamId = (await db.team.create({ data: { orgId: other.org.id, slug: 'platform', name: 'platform' } })).id;
  await db.clusterTemplate.create({
    data: {
      orgId: acme.org.id,
      slug: 'production',
      name: 'Production',
      allowedRegions: ['eu-west'],
      defaultBudgetMicros: 100n * M,
      maxBudgetMicros: 500n * M,
      maxClustersPerTeam: 1,
      restrictedToTeams: true,
      teams: { create: [{ teamId: team.platform! }] },
    },
  });
  // Another org's private template: invisible to acme.
  await db.clusterTemplate.create({ data: { orgId: other.org.id, slug: 'secret', name: 'Secret' } });
});

afterAll(async () => {
  await raw?.end();
  await db?.$disconnect();
  await tdb?.drop();
});

describe('requestCluster', () => {
  it('records the cluster, its budget, its provisioning job and an audit event in one go', async () => {
    const result = await as('owner', { name: 'shop', teamId: team.checkout!, labels: { env: 'dev' } });
    if (!result.allowed) throw new Error(result.headline);
    const c = result.cluster;
    expect(c).toMatchObject({
      name: 'shop',
      phase: 'Requested',
      kcpPath: 'root:acme:platform:payments:checkout:shop',
      regions: ['eu-west'],
      labels: { env: 'dev' },
      template: { slug: 'standard' },
      team: { slug: 'checkout' },
      budgetMicros: 20n * M,
    });
    expect(c.requestedByEmail).toBe(acme.users.owner!.email);
    const budget = await db.budget.findFirstOrThrow({ where: { logicalClusterId: c.id } });
    expect(budget).toMatchObject({ orgId: acme.org.id, scope: 'cluster', capMicros: 20n * M, committedMicros: 0n });
    const job = await raw.query('select task_identifier from graphile_worker.jobs where key = $1', [`lc:${c.id}`]);
    expect(job.rows).toEqual([{ task_identifier: 'logical-cluster-reconcile' }]);
    expect(await db.auditEvent.count({ where: { orgId: acme.org.id, action: 'cluster.request', targetId: c.id } })).toBe(1);
  });

  it('denies a template limited to another team, naming the rule and where it is defined, and writes nothing', async () => {
    const before = await counts();
    const result = await as('owner', { name: 'prod-web', teamId: team.web!, template: 'production' });
    expect(denial(result)).toEqual({ rules: ['template-teams'], headline: 'template `production` is limited to team `platform` by org policy' });
    expect(result.allowed ? null : result.violations[0]?.source).toEqual({ scope: 'org', name: 'acme' });
    expect(await counts()).toEqual(before);
  });

  it('lets a sub-team use a template its parent team may use', async () => {
    expect((await as('owner', { name: 'prod', teamId: team.payments!, template: 'production' })).allowed).toBe(true);
  });

  it('denies regions the template does not allow, and regions that do not exist', async () => {
    const r = await as('owner', { name: 'us', teamId: team.platform!, template: 'production', regions: ['us-east'] });
    expect(denial(r)).toEqual({ rules: ['region-allowed'], headline: 'region `us-east` is not allowed by template `production` (allowed: `eu-west`)' });
    expect(denial(await as('owner', { name: 'mars', teamId: team.platform!, regions: ['mars-1'] })).rules).toEqual(['region-exists']);
    expect(denial(await as('owner', { name: 'none', teamId: team.platform!, regions: [] })).rules).toEqual(['region-required']);
  });

  it('enforces the template’s per-team count', async () => {
    expect((await as('owner', { name: 'prod-1', teamId: team.platform!, template: 'production' })).allowed).toBe(true);
    const r = await as('owner', { name: 'prod-2', teamId: team.platform!, template: 'production' });
    expect(denial(r)).toEqual({ rules: ['template-count'], headline: 'template `production` allows at most 1 cluster per team, and team `platform` has 1' });
  });

  it('enforces a team’s cluster limit, naming the team policy', async () => {
    expect((await as('owner', { name: 'w1', teamId: team.web! })).allowed).toBe(true);
    const r = await as('owner', { name: 'w2', teamId: team.web! });
    expect(denial(r)).toEqual({ rules: ['cluster-count'], headline: 'team `web` may have at most 1 cluster by team `web` policy, and has 1' });
  });

  it('enforces an org-wide cluster limit', async () => {
    const live = await db.logicalCluster.count({ where: { orgId: acme.org.id, phase: { not: 'Deleted' } } });
    await db.organization.update({ where: { id: acme.org.id }, data: { maxClusters: live } });
    try {
      const r = await as('owner', { name: 'one-more', teamId: team.platform! });
      expect(denial(r).headline).toBe(`org \`acme\` may have at most ${live} clusters by org policy, and has ${live}`);
    } finally {
      await db.organization.update({ where: { id: acme.org.id }, data: { maxClusters: null } });
    }
  });

  it('checks budget headroom against the team budget, counting the budgets of its live clusters', async () => {
    expect((await as('owner', { name: 'd1', teamId: team.data! })).allowed).toBe(true);
    const r = await as('owner', { name: 'd2', teamId: team.data! });
    expect(denial(r)).toEqual({
      rules: ['budget-headroom'],
      headline: 'a cluster budget of $20.00/mo does not fit: team data budget $30.00/mo has $20.00/mo committed',
    });
    // A smaller budget fits; one above the template's maximum never does.
    expect((await as('owner', { name: 'd3', teamId: team.data!, budgetMicros: 10n * M })).allowed).toBe(true);
    expect(denial(await as('owner', { name: 'big', teamId: team.platform!, budgetMicros: 300n * M })).rules).toEqual(['budget-maximum']);
  });

  it('keeps names unique among a team’s live clusters, and frees a name once the cluster is deleted', async () => {
    expect((await as('owner', { name: 'dup', teamId: team.platform! })).allowed).toBe(true);
    expect(denial(await as('owner', { name: 'dup', teamId: team.platform! })).rules).toEqual(['cluster-name-unique']);
    expect((await as('owner', { name: 'dup', teamId: team.data!, budgetMicros: 0n })).allowed).toBe(true);
    await db.logicalCluster.updateMany({
      where: { orgId: acme.org.id, teamId: team.platform, name: 'dup' },
      data: { phase: 'Deleted', deletedAt: new Date() },
    });
    expect((await as('owner', { name: 'dup', teamId: team.platform! })).allowed).toBe(true);
    expect(denial(await as('owner', { name: 'Not_A_Label', teamId: team.platform! })).rules).toEqual(['cluster-name']);
  });

  it('serialises concurrent requests: one name, one cluster', async () => {
    const results = await Promise.all([1, 2, 3].map(() => as('owner', { name: 'race', teamId: team.platform! })));
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
    expect(await db.logicalCluster.count({ where: { orgId: acme.org.id, name: 'race', phase: { not: 'Deleted' } } })).toBe(1);
  });

  it('refuses a name that is a sub-team’s path segment', async () => {
    await expect(as('owner', { name: 'payments', teamId: team.platform! })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('lets developers request only in teams they belong to (and their sub-teams)', async () => {
    expect((await as('dev', { name: 'mine', teamId: team.payments! })).allowed).toBe(true);
    expect((await as('dev', { name: 'mine-too', teamId: team.checkout! })).allowed).toBe(true);
    await expect(as('dev', { name: 'theirs', teamId: team.platform! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as('stranger', { name: 'x', teamId: team.payments! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('never reaches into another org: foreign teams are unknown, foreign templates do not exist', async () => {
    const before = await counts();
    await expect(as('owner', { name: 'x', teamId: otherTeamId })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(denial(await as('owner', { name: 'x', teamId: team.platform!, template: 'secret' })).headline).toBe(
      'template `secret` does not exist in org `acme`',
    );
    expect(await counts()).toEqual(before);
  });
});

describe('reading and deleting clusters', () => {
  it('answers another org’s cluster id exactly like a missing one', async () => {
    const [mine] = await listClusters(db, { orgId: acme.org.id });
    const foreign = await as('owner', { name: 'theirs', teamId: otherTeamId }, other);
    if (!foreign.allowed) throw new Error(foreign.headline);
    const err = async (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: AppError) => ({ code: e.code, message: e.message }),
      );
    const missing = await err(getCluster(db, { orgId: acme.org.id, clusterId: 'missing' }));
    expect(missing).toEqual({ code: 'NOT_FOUND', message: 'Cluster not found.' });
    expect(await err(getCluster(db, { orgId: acme.org.id, clusterId: foreign.cluster.id }))).toEqual(missing);
    const actor = { userId: acme.users.owner!.id };
    const del = { orgId: acme.org.id, actor, role: 'owner' as const, membershipId: acme.memberships.owner!.id };
    expect(await err(deleteCluster(db, { ...del, clusterId: foreign.cluster.id }))).toEqual(missing);
    const creds = { ...del, orgSlug: 'acme', email: acme.users.owner!.email };
    expect(await err(issueClusterCredentials(db, { ...creds, clusterId: foreign.cluster.id }))).toEqual(missing);
    expect((await getCluster(db, { orgId: other.org.id, clusterId: foreign.cluster.id })).phase).toBe('Requested');
    expect(mine?.id).toBeTruthy();
  });

  it('deletes by phase Deleting (with its job), refuses a second delete and a developer outside the team', async () => {
    const r = await as('owner', { name: 'doomed', teamId: team.web!, regions: ['us-east'] }).catch(() => null);
    const target = r?.allowed ? r.cluster : (await listClusters(db, { orgId: acme.org.id, teamId: team.web! }))[0]!;
    const base = { orgId: acme.org.id, clusterId: target.id };
    await expect(
      deleteCluster(db, { ...base, actor: { userId: acme.users.dev!.id }, role: 'developer', membershipId: acme.memberships.dev!.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await deleteCluster(db, { ...base, actor: { userId: acme.users.owner!.id }, role: 'owner', membershipId: acme.memberships.owner!.id });
    expect((await getCluster(db, base)).phase).toBe('Deleting');
    await expect(
      deleteCluster(db, { ...base, actor: { userId: acme.users.owner!.id }, role: 'owner', membershipId: acme.memberships.owner!.id }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await db.auditEvent.count({ where: { action: 'cluster.delete', targetId: target.id } })).toBe(1);
  });
});

describe('issueClusterCredentials', () => {
  let clusterId = '';
  let path = '';
  beforeAll(async () => {
    const r = await as('dev', { name: 'kube', teamId: team.payments! });
    if (!r.allowed) throw new Error(r.headline);
    clusterId = r.cluster.id;
    path = r.cluster.kcpPath;
  });
  const issue = (label: string) =>
    issueClusterCredentials(db, {
      orgId: acme.org.id,
      orgSlug: 'acme',
      actor: { userId: acme.users[label]!.id },
      role: acme.memberships[label]!.role as Role,
      membershipId: acme.memberships[label]!.id,
      email: acme.users[label]!.email,
      clusterId,
    });

  it('refuses until the cluster is Ready', async () => {
    await expect(issue('dev')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('writes a token row scoped to exactly that cluster, with the person’s teams as groups', async () => {
    await db.logicalCluster.update({ where: { id: clusterId }, data: { phase: 'Ready', readyAt: new Date() } });
    const creds = await issue('dev');
    expect(creds.token).toMatch(/^atk_[A-Za-z0-9_-]{43}$/);
    expect(creds.contextName).toBe('acme/payments/kube');
    const { rows } = await raw.query('select username, groups, clusters, wildcard, revoked_at from apiserver.tokens where token_hash = $1', [
      sha256Hex(creds.token),
    ]);
    expect(rows).toEqual([
      {
        username: acme.users.dev!.email,
        groups: [`atrium:team:${team.checkout}`, `atrium:team:${team.payments}`].sort(),
        clusters: ['root:acme:platform:payments:kube'],
        wildcard: false,
        revoked_at: null,
      },
    ]);
    expect(path).toBe('root:acme:platform:payments:kube');
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'cluster.kubeconfig', targetId: clusterId } });
    expect(audit.after).toMatchObject({ tokenSha256: sha256Hex(creds.token), username: acme.users.dev!.email });
    expect(JSON.stringify(audit.after)).not.toContain(creds.token);
  });

  it('adds the org-admins group for owners, and refuses billing and developers outside the team', async () => {
    const creds = await issue('owner');
    expect(creds.groups).toEqual([`atrium:org-admins:${acme.org.id}`]);
    const before = await raw.query('select count(*)::int as n from apiserver.tokens');
    await expect(issue('billing')).rejects.toBeInstanceOf(AppError);
    await expect(issue('stranger')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await raw.query('select count(*)::int as n from apiserver.tokens')).rows).toEqual(before.rows);
  });
});
