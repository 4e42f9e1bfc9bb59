/**
 * Provisioning end to end on real components: a real API server process on a
 * fresh database, graphile-worker running the reconciler, Workspaces created
 * through the kcp API with @kubernetes/client-node.
 *
 * The crash test guards the durability promise: kill -9 the worker at random
 * points during provisioning and deletion, and after a restart every request
 * reaches a terminal state, none is lost, no Workspace exists twice, and no
 * Workspace is left behind for a deleted cluster.
 */
import path from 'node:path';
import { createLogger } from '@atrium/config';
import { addPriceBookEntries, checkCost, createLogicalClusterRequest, createPrismaClient, type PrismaClient, requestLogicalClusterDeletion } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { GUARDRAIL_LABEL, type KcpClient, kcpPath, TENANCY_API_VERSION } from '@atrium/kube';
import { type Runner, run } from 'graphile-worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskList } from '../../tasks/index.js';
import { repoRoot, startEntry, startTestApiServer, type TestApiServer } from '../../test-support/processes.js';
import { clusterEventName, EVENT_NAMESPACE } from './events.js';
import { LOGICAL_CLUSTER_ID_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from './labels.js';
import { reconcileLogicalCluster } from './reconcile.js';
import { MEMBERS_BINDING } from './steps.js';

const TOKEN = 'atrium-test-admin-token-0123456789';
let db: TestDatabase;
let prisma: PrismaClient;

/** The recompute check on its own short-lived pool. */
async function checkCostOf(orgSlug: string) {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    return await checkCost(pool, { orgSlug });
  } finally {
    await pool.end();
  }
}
let apiserver: TestApiServer;
let serverUrl: string;
let kcp: KcpClient;
const org = { id: '', teamId: '', templateId: '', platformTemplateId: '', userId: '' };

async function waitForPhase(id: string, phases: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await prisma.logicalCluster.findUniqueOrThrow({ where: { id } });
    if (phases.includes(row.phase)) return row;
    if (Date.now() > deadline) throw new Error(`cluster ${row.name} stuck in ${row.phase}: ${row.message ?? ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The reconciler's Events about one cluster, by reason (they live in the team workspace, as kubectl shows them). */
async function eventsOf(id: string) {
  const events = await kcp.listEvents('root:acme:payments', EVENT_NAMESPACE, `${LOGICAL_CLUSTER_ID_LABEL}=${id}`);
  return new Map(events.map((e) => [e.reason ?? '', e]));
}

/** Creates an object and returns the HTTP status the backend answered with (201, or the error's code). */
async function createStatus(path: string, body: object): Promise<{ code: number; message: string }> {
  try {
    await kcp.objects(path).create(body as Parameters<ReturnType<KcpClient['objects']>['create']>[0]);
    return { code: 201, message: '' };
  } catch (err) {
    const e = err as { code?: number; body?: unknown };
    return { code: e.code ?? 0, message: typeof e.body === 'string' ? e.body : JSON.stringify(e.body) };
  }
}

async function request(name: string, templateId = org.templateId) {
  return createLogicalClusterRequest(prisma, {
    orgId: org.id,
    teamId: org.teamId,
    name,
    kcpPath: kcpPath(['acme', 'payments', name]),
    templateId,
    regions: ['eu-west'],
    requestedById: org.userId,
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, 4);
  apiserver = await startTestApiServer(db.url, TOKEN);
  serverUrl = apiserver.url;
  kcp = apiserver.kcp;
  const user = await prisma.user.create({ data: { email: 'dev@acme.test', emailVerified: new Date() } });
  const o = await prisma.organization.create({ data: { slug: 'acme', name: 'Acme' } });
  const team = await prisma.team.create({ data: { orgId: o.id, slug: 'payments', name: 'Payments' } });
  const template = await prisma.clusterTemplate.create({
    data: { orgId: o.id, slug: 'standard', name: 'Standard', apiSets: ['workloads'], allowedRegions: ['eu-west'] },
  });
  const platform = await prisma.clusterTemplate.create({ data: { orgId: null, slug: 'shared', name: 'Shared', apiSets: [], allowedRegions: [] } });
  Object.assign(org, { id: o.id, teamId: team.id, templateId: template.id, platformTemplateId: platform.id, userId: user.id });
}, 120_000);

afterAll(async () => {
  await apiserver?.stop();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('provisioning reconciler', () => {
  it('takes a request to Ready with a working logical cluster, then deletes it leaving a tombstone', async () => {
    const runner: Runner = await run({
      connectionString: db.url,
      concurrency: 4,
      noHandleSignals: true,
      pollInterval: 200,
      taskList: taskList({ logger: createLogger('test'), prisma, kcp }),
    });
    try {
      // The org prices containers at no less than 250m CPU: the defaults the worker writes follow its book.
      await addPriceBookEntries(prisma, [{ type: 'setting', orgId: org.id, effectiveFrom: new Date(0), setting: 'floor-cpu', value: 250n }]);
      const requested = await request('dev', org.templateId);
      const ready = await waitForPhase(requested.id, ['Ready', 'Failed']);
      expect(ready.phase).toBe('Ready');
      expect(ready.url).toBe(`${serverUrl}/clusters/root:acme:payments:dev`);
      expect(ready.readyAt).not.toBeNull();
      // The cluster really serves the Kubernetes API, with Atrium's defaults in it.
      const objects = kcp.objects('root:acme:payments:dev');
      await expect(objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } })).resolves.toBeTruthy();
      const binding = (await objects.read({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: MEMBERS_BINDING },
      })) as { metadata: { labels: Record<string, string> }; subjects: Array<{ kind: string; name: string }> };
      expect(binding.subjects.map((x) => `${x.kind}:${x.name}`)).toEqual([
        `Group:atrium:team:${org.teamId}`,
        `Group:atrium:org-admins:${org.id}`,
        'User:dev@acme.test',
      ]);
      const defaults = (await objects.read({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'atrium-defaults', namespace: 'default' } })) as {
        metadata: { labels: Record<string, string> };
        spec: { limits: { defaultRequest: Record<string, string> }[] };
      };
      expect(defaults.spec.limits[0]?.defaultRequest).toEqual({ cpu: '250m', memory: '128Mi' });
      // What provisioning wrote (the worker's objects, the server's own) is priced as admission recorded it
      // (this fixture's org and team have no cost nodes of their own, which the check also reports).
      expect((await checkCostOf('acme')).differences.filter((d) => d.kind !== 'node')).toEqual([]);
      // Both are org guardrails, which the API server keeps tenants (cluster-admins here) from changing.
      expect(binding.metadata.labels).toMatchObject({ [GUARDRAIL_LABEL]: 'member-access', [MANAGED_BY_LABEL]: MANAGED_BY });
      expect(defaults.metadata.labels).toMatchObject({ [GUARDRAIL_LABEL]: 'default-requests', [MANAGED_BY_LABEL]: MANAGED_BY });

      // Its Workspace is of the org template's WorkspaceType, written to the org workspace from the row.
      expect((await kcp.getWorkspace('root:acme:payments', 'dev'))?.spec?.type).toEqual({ name: 'atrium-acme-standard', path: 'root:acme' });
      const type = (await kcp
        .objects('root:acme')
        .read({ apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name: 'atrium-acme-standard' } })) as {
        metadata: { labels: Record<string, string> };
      };
      expect(type.metadata.labels['atrium.io/template-id']).toBe(org.templateId);

      // The backend enforces the type: a cluster is a leaf …
      const child = await createStatus('root:acme:payments:dev', { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name: 'nested' } });
      expect(child.code).toBe(403);
      expect(child.message).toContain('does not allow child workspaces');
      // … and sits only in a plain team workspace: not in root, not under a workspace of another type.
      const asCluster = { name: 'atrium-acme-standard', path: 'root:acme' };
      const inRoot = await createStatus('root', { apiVersion: TENANCY_API_VERSION, kind: 'Workspace', metadata: { name: 'stray' }, spec: { type: asCluster } });
      expect(inRoot.code).toBe(403);
      expect(inRoot.message).toContain('only allows [root:universal] parent workspaces');
      expect((await createStatus('root:acme', { apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name: 'sandbox' }, spec: {} })).code).toBe(
        201,
      );
      expect(
        (
          await createStatus('root:acme', {
            apiVersion: TENANCY_API_VERSION,
            kind: 'Workspace',
            metadata: { name: 'sandbox' },
            spec: { type: { name: 'sandbox', path: 'root:acme' } },
          })
        ).code,
      ).toBe(201);
      for (let i = 0; (await kcp.getWorkspace('root:acme', 'sandbox'))?.status?.phase !== 'Ready'; i++) {
        if (i > 200) throw new Error('sandbox workspace not Ready');
        await new Promise((r) => setTimeout(r, 25));
      }
      const underSandbox = await createStatus('root:acme:sandbox', {
        apiVersion: TENANCY_API_VERSION,
        kind: 'Workspace',
        metadata: { name: 'stray' },
        spec: { type: asCluster },
      });
      expect(underSandbox.code).toBe(403);
      expect(underSandbox.message).toContain('only allows [root:universal] parent workspaces, but root:acme:sandbox is of type root:acme:sandbox');

      // A platform template's type lives in root, as kcp's own platform types do, and is written on first use.
      const shared = await request('shared-1', org.platformTemplateId);
      expect((await waitForPhase(shared.id, ['Ready', 'Failed'])).phase).toBe('Ready');
      expect((await kcp.getWorkspace('root:acme:payments', 'shared-1'))?.spec?.type).toEqual({ name: 'atrium-shared', path: 'root' });

      // Events about each step, on the cluster's Workspace in the team workspace, one per reason.
      const provisioned = await eventsOf(requested.id);
      expect([...provisioned.keys()].sort()).toEqual(['DefaultsApplied', 'RBACBound', 'Ready', 'WorkspaceCreated']);
      const readyEvent = provisioned.get('Ready')!;
      expect(readyEvent.metadata.name).toBe(clusterEventName('dev', requested.id, 'Ready'));
      expect(readyEvent.involvedObject).toMatchObject({
        kind: 'Workspace',
        name: 'dev',
        uid: (await kcp.getWorkspace('root:acme:payments', 'dev'))?.metadata.uid,
      });
      expect(readyEvent.count).toBe(1);
      expect(provisioned.get('WorkspaceCreated')?.message).toBe('Created workspace root:acme:payments:dev of type root:acme:atrium-acme-standard');

      expect(await requestLogicalClusterDeletion(prisma, { orgId: org.id, id: requested.id })).toBe(true);
      const deleted = await waitForPhase(requested.id, ['Deleted']);
      expect(deleted.deletedAt).not.toBeNull();
      expect(await kcp.getWorkspace('root:acme:payments', 'dev')).toBeUndefined();
      const afterDelete = await eventsOf(requested.id);
      expect(afterDelete.get('DeletionStarted')?.count).toBe(1);
      expect(afterDelete.get('Deleted')?.message).toContain('is deleted');
      // A foreign org's id matches nothing, exactly like a missing one.
      expect(await requestLogicalClusterDeletion(prisma, { orgId: 'another-org', id: requested.id })).toBe(false);
    } finally {
      await runner.stop();
    }
  });

  it('a re-run after a lost status commit adds no Workspace and no Event: the repeated reasons count up', async () => {
    const requested = await request('rerun');
    const deps = { prisma, kcp, logger: createLogger('test') };
    for (let pass = 0; (await prisma.logicalCluster.findUniqueOrThrow({ where: { id: requested.id } })).phase !== 'Ready'; pass++) {
      if (pass > 50) throw new Error('not Ready after 50 passes');
      await reconcileLogicalCluster(deps, requested.id);
    }
    const first = await eventsOf(requested.id);
    // As if the worker died after its backend writes but before committing Ready.
    await prisma.logicalCluster.update({ where: { id: requested.id }, data: { phase: 'Provisioning', readyAt: null } });
    expect(await reconcileLogicalCluster(deps, requested.id)).toEqual({ kind: 'settled' });
    expect((await prisma.logicalCluster.findUniqueOrThrow({ where: { id: requested.id } })).phase).toBe('Ready');
    const second = await eventsOf(requested.id);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    expect(second.get('WorkspaceCreated')?.count).toBe(1);
    expect(second.get('Ready')?.count).toBe(2);
    expect(second.get('RBACBound')?.count).toBe(2);
    const workspaces = (await kcp.objects('root:acme:payments').list(TENANCY_API_VERSION, 'Workspace')).items;
    expect(workspaces.filter((w) => w.metadata?.labels?.[LOGICAL_CLUSTER_ID_LABEL] === requested.id)).toHaveLength(1);
  });

  it('survives kill -9 of the worker at random points: nothing lost, duplicated or orphaned', async () => {
    // 20 rounds in `npm test` (each starts a worker process); `npm run soak` runs 200.
    const rounds = Number(process.env.ATRIUM_CRASH_ROUNDS ?? 20);
    const workerEnv = {
      DATABASE_URL: db.url,
      ATRIUM_KCP_URL: serverUrl,
      ATRIUM_KCP_TOKEN: TOKEN,
      ATRIUM_HOME: apiserver.home,
      ATRIUM_KCP_CA_FILE: apiserver.caFile,
    };
    const ids: string[] = [];
    const toDelete = new Set<string>();
    for (let round = 0; round < rounds; round++) {
      const created = await request(`crash-${round}`);
      ids.push(created.id);
      // Every third round also deletes an earlier cluster, whatever phase it reached.
      if (round % 3 === 2) {
        const victim = ids[round - 2] as string;
        if (await requestLogicalClusterDeletion(prisma, { orgId: org.id, id: victim })) toDelete.add(victim);
      }
      const worker = await startEntry(path.join(repoRoot, 'apps/worker/src/main.ts'), workerEnv, /worker ready/);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    // Jobs locked by a killed worker stay locked for hours in graphile-worker;
    // the restarted worker's start-up resync must settle everything anyway.
    const finalWorker = await startEntry(path.join(repoRoot, 'apps/worker/src/main.ts'), workerEnv, /worker ready/);
    try {
      for (const id of ids) await waitForPhase(id, toDelete.has(id) ? ['Deleted'] : ['Ready'], 60_000);
    } finally {
      finalWorker.child.kill('SIGTERM');
      await finalWorker.exited;
    }

    const workspaces = (await kcp.objects('root:acme:payments').list('tenancy.kcp.io/v1alpha1', 'Workspace')).items;
    const byCluster = new Map<string, number>();
    for (const ws of workspaces) {
      const id = ws.metadata?.labels?.[LOGICAL_CLUSTER_ID_LABEL];
      if (id) byCluster.set(id, (byCluster.get(id) ?? 0) + 1);
    }
    for (const id of ids) expect(byCluster.get(id) ?? 0, `workspaces for ${id}`).toBe(toDelete.has(id) ? 0 : 1);
    // Events are written before the status commit: every settled cluster has the Event of its last step.
    for (const id of ids) expect((await eventsOf(id)).has(toDelete.has(id) ? 'Deleted' : 'Ready'), `event for ${id}`).toBe(true);
    // No orphans: every Atrium Workspace belongs to a cluster row that is not deleted (earlier tests' clusters included).
    const live = new Set((await prisma.logicalCluster.findMany({ where: { phase: { not: 'Deleted' } }, select: { id: true } })).map((r) => r.id));
    expect([...byCluster.keys()].filter((id) => !live.has(id))).toEqual([]);
  }, 600_000);
});
