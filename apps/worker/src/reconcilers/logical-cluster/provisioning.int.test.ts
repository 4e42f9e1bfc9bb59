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
import { createLogicalClusterRequest, createPrismaClient, type PrismaClient, requestLogicalClusterDeletion } from '@atrium/db';
import { createTestDatabase, type TestDatabase } from '@atrium/db/testing';
import { type KcpClient, kcpPath } from '@atrium/kube';
import { type Runner, run } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskList } from '../../tasks/index.js';
import { repoRoot, startEntry, startTestApiServer, type TestApiServer } from '../../test-support/processes.js';
import { LOGICAL_CLUSTER_ID_LABEL } from './labels.js';

const TOKEN = 'atrium-test-admin-token-0123456789';
let db: TestDatabase;
let prisma: PrismaClient;
let apiserver: TestApiServer;
let serverUrl: string;
let kcp: KcpClient;
const org = { id: '', teamId: '', templateId: '', userId: '' };

async function waitForPhase(id: string, phases: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await prisma.logicalCluster.findUniqueOrThrow({ where: { id } });
    if (phases.includes(row.phase)) return row;
    if (Date.now() > deadline) throw new Error(`cluster ${row.name} stuck in ${row.phase}: ${row.message ?? ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function request(name: string) {
  return createLogicalClusterRequest(prisma, {
    orgId: org.id,
    teamId: org.teamId,
    name,
    kcpPath: kcpPath(['acme', 'payments', name]),
    templateId: org.templateId,
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
  Object.assign(org, { id: o.id, teamId: team.id, templateId: template.id, userId: user.id });
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
      const requested = await request('dev');
      const ready = await waitForPhase(requested.id, ['Ready', 'Failed']);
      expect(ready.phase).toBe('Ready');
      expect(ready.url).toBe(`${serverUrl}/clusters/root:acme:payments:dev`);
      expect(ready.readyAt).not.toBeNull();

      // The cluster really serves the Kubernetes API, with Atrium's defaults in it.
      const objects = kcp.objects('root:acme:payments:dev');
      await expect(objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } })).resolves.toBeTruthy();
      await expect(
        objects.read({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'atrium:team-members' } }),
      ).resolves.toBeTruthy();
      await expect(objects.read({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'atrium-defaults', namespace: 'default' } })).resolves.toBeTruthy();

      expect(await requestLogicalClusterDeletion(prisma, { orgId: org.id, id: requested.id })).toBe(true);
      const deleted = await waitForPhase(requested.id, ['Deleted']);
      expect(deleted.deletedAt).not.toBeNull();
      expect(await kcp.getWorkspace('root:acme:payments', 'dev')).toBeUndefined();
      // A foreign org's id matches nothing, exactly like a missing one.
      expect(await requestLogicalClusterDeletion(prisma, { orgId: 'another-org', id: requested.id })).toBe(false);
    } finally {
      await runner.stop();
    }
  });

  it('survives kill -9 of the worker at random points: nothing lost, duplicated or orphaned', async () => {
    const rounds = Number(process.env.ATRIUM_CRASH_ROUNDS ?? 50);
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
    expect([...byCluster.keys()].every((id) => ids.includes(id))).toBe(true);
  }, 600_000);
});
