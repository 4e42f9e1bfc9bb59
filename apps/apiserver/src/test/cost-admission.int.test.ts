/**
 * Cost admission end to end: the real API server on a real Postgres with an
 * Atrium-shaped org, driven by @kubernetes/client-node and real kubectl.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PRICE_RULES, priceBookOf, priceObject } from '@atrium/core';
import { ApiException, AppsV1Api, CoreV1Api, type V1Deployment, type V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKubeconfig } from '../kubeconfig.js';
import { type CostWorld, createCostWorld, ledgerMismatches } from './cost-fixture.js';
import { ADMIN_TOKEN, kubectl, startTestServer, type TestServer } from './harness.js';

const DOLLAR = 1_000_000n;
const book = priceBookOf(DEFAULT_PRICE_RULES);

let t: TestServer;
let w: CostWorld;
let core: CoreV1Api;
let apps: AppsV1Api;
let kubeconfigFile: string;
const kcpPath = () => w.clusters[0]!.kcpPath;

function service(name: string, type: 'LoadBalancer' | 'ClusterIP', namespace = 'shop'): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { type, ports: [{ port: 80 }] } };
}

function deployment(name: string, replicas: number): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
  };
}

/** The Status a refused client-node call got. */
async function refusal(call: Promise<unknown>): Promise<{ code: number; message: string; reason: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ApiException) {
      const body = JSON.parse(String(e.body)) as { message: string; reason: string };
      return { code: e.code, message: body.message, reason: body.reason };
    }
    throw e;
  }
  throw new Error('the call was admitted');
}

async function recorded(name: string, resource = 'services'): Promise<bigint | undefined> {
  const row = await w.prisma.objectPrice.findFirst({ where: { logicalClusterId: w.clusters[0]!.id, resource, namespace: 'shop', name } });
  return row?.priceMicros;
}

beforeAll(async () => {
  t = await startTestServer();
  w = await createCostWorld(t, { org: 'acme', teams: ['platform', 'payments'], clusters: ['web', 'race'] });
  core = t.kubeConfig(kcpPath()).makeApiClient(CoreV1Api);
  apps = t.kubeConfig(kcpPath()).makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: 'shop' } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-cost-kubectl-'));
  kubeconfigFile = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfigFile, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: [kcpPath()] }));
});

afterAll(async () => {
  await w?.close();
  await t?.stop();
});

describe('cost admission', () => {
  it('refuses a LoadBalancer that would break the team budget with the exact message, writes nothing and records the refusal', async () => {
    for (const name of ['lb-1', 'lb-2', 'lb-3', 'lb-4']) await core.createNamespacedService({ namespace: 'shop', body: service(name, 'LoadBalancer') });
    expect(await w.committed('team:payments')).toBe(4n * DOLLAR);
    await w.setCap('team:payments', 4_500_000n);
    const refused = await refusal(core.createNamespacedService({ namespace: 'shop', body: service('web', 'LoadBalancer') }));
    expect(refused).toEqual({
      code: 403,
      reason: 'Forbidden',
      message: 'Service shop/web (LoadBalancer) adds $1.00/mo; team payments budget $4.50/mo has $4.00/mo committed',
    });
    expect((await refusal(core.readNamespacedService({ namespace: 'shop', name: 'web' }))).code).toBe(404);
    expect(await recorded('web')).toBeUndefined();
    for (const node of ['cluster:web', 'team:payments', 'team:platform', 'org']) expect(await w.committed(node)).toBe(4n * DOLLAR);
    const denials = await w.prisma.budgetDenial.findMany({ where: { orgId: w.orgId } });
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatchObject({ object: 'Service shop/web (LoadBalancer)', deltaMicros: DOLLAR, message: refused.message, username: 'system:admin' });
  });

  it('admits the same create once the budget is raised, and records it on every node with a snapshot', async () => {
    await w.setCap('team:payments', 10n * DOLLAR);
    const before = await w.prisma.runRateSnapshot.count({ where: { orgId: w.orgId } });
    await core.createNamespacedService({ namespace: 'shop', body: service('web', 'LoadBalancer') });
    expect(await recorded('web')).toBe(DOLLAR);
    for (const node of ['cluster:web', 'team:payments', 'team:platform', 'org']) expect(await w.committed(node)).toBe(5n * DOLLAR);
    expect(await w.prisma.runRateSnapshot.count({ where: { orgId: w.orgId } })).toBe(before + 4);
    // 5 of 10 crossed 50 %: one alert and its mail job, in the same transaction.
    const alerts = await w.prisma.budgetAlert.findMany({ where: { budgetId: w.nodes.get('team:payments')! } });
    expect(alerts.map((a) => a.thresholdPercent)).toEqual([50]);
    const jobs = await w.pool.query(
      `select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'budget-alert-notify'`,
    );
    expect(jobs.rows.map((r) => r.payload)).toContainEqual({ alertId: alerts[0]!.id });
  });

  it('prices a ClusterIP Service at $0.001', async () => {
    await core.createNamespacedService({ namespace: 'shop', body: service('internal', 'ClusterIP') });
    expect(await recorded('internal')).toBe(1_000n);
    expect(await w.committed('org')).toBe(5n * DOLLAR + 1_000n);
  });

  it('a LoadBalancer changed to ClusterIP is a decrease, always allowed and recorded', async () => {
    await w.setCap('team:payments', 1n * DOLLAR); // far below what is committed: only decreases pass now
    const current = await core.readNamespacedService({ namespace: 'shop', name: 'lb-4' });
    current.spec!.type = 'ClusterIP';
    await core.replaceNamespacedService({ namespace: 'shop', name: 'lb-4', body: current });
    expect(await recorded('lb-4')).toBe(1_000n);
    expect(await w.committed('team:payments')).toBe(4n * DOLLAR + 2_000n);
    await w.setCap('team:payments', 10n * DOLLAR);
  });

  it('fills workload requests from the LimitRange, prices replicas, refuses a scale-up over budget and always allows scaling down', async () => {
    await core.createNamespacedLimitRange({
      namespace: 'shop',
      body: {
        metadata: { name: 'defaults' },
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, _default: { cpu: '500m', memory: '256Mi' } }] },
      },
    });
    await apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('api', 2) });
    const stored = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'api' });
    expect(stored.spec!.template.spec!.containers[0]!.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi' },
    });
    const at = (replicas: number) => priceObject({ ...stored, spec: { ...stored.spec, replicas } }, book).priceMicros;
    const perReplica = at(1);
    expect(perReplica).toBeGreaterThan(0n);
    expect(await recorded('api', 'deployments.apps')).toBe(at(2));

    await w.setCap('team:payments', null);
    const committed = await w.committed('cluster:web');
    await w.setCap('cluster:web', committed + at(5) - at(2)); // room for 3 more replicas, not 4
    const scaleTo = (replicas: number) =>
      apps.replaceNamespacedDeploymentScale({ namespace: 'shop', name: 'api', body: { metadata: { name: 'api', namespace: 'shop' }, spec: { replicas } } });
    const refused = await refusal(scaleTo(6));
    expect(refused.code).toBe(403);
    expect(refused.message).toMatch(/^Deployment shop\/api adds \$[\d.]+\/mo; cluster web budget \$[\d.]+\/mo has \$[\d.]+\/mo committed$/);
    expect((await apps.readNamespacedDeployment({ namespace: 'shop', name: 'api' })).spec!.replicas).toBe(2);
    await scaleTo(5);
    expect(await recorded('api', 'deployments.apps')).toBe(at(5));
    await w.setCap('cluster:web', 1n); // over budget now: scaling down must still pass
    await scaleTo(1);
    expect(await recorded('api', 'deployments.apps')).toBe(at(1));
    expect(await w.committed('cluster:web')).toBe(committed - at(2) + at(1));
    await w.setCap('cluster:web', null);
  });

  it('refuses a malformed quantity in a priced field with 422', async () => {
    const bad = deployment('bad', 1);
    bad.spec!.template.spec!.containers[0]!.resources = { requests: { cpu: 'lots' } };
    const refused = await refusal(apps.createNamespacedDeployment({ namespace: 'shop', body: bad }));
    expect(refused.code).toBe(422);
    expect(refused.message).toContain('cpu');
  });

  it('delete and owner garbage collection release what was recorded', async () => {
    const before = await w.committed('org');
    await core.deleteNamespacedService({ namespace: 'shop', name: 'lb-1' });
    expect(await recorded('lb-1')).toBeUndefined();
    expect(await w.committed('org')).toBe(before - DOLLAR);

    const owner = await core.createNamespacedConfigMap({ namespace: 'shop', body: { metadata: { name: 'owner' } } });
    const owned = service('owned', 'LoadBalancer');
    owned.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }];
    await core.createNamespacedService({ namespace: 'shop', body: owned });
    expect(await w.committed('org')).toBe(before);
    await core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'owner', propagationPolicy: 'Foreground' });
    expect(await recorded('owned')).toBeUndefined();
    expect(await w.committed('org')).toBe(before - DOLLAR);
    expect(await ledgerMismatches(w.pool, w.orgId)).toEqual([]);
  });

  it('kubectl prints the 80 % warning; a server-side dry run warns with the delta and headroom and reserves nothing', async () => {
    const committed = await w.committed('team:payments');
    await w.setCap('team:payments', ((committed + DOLLAR) * 100n) / 85n); // the next $1 lands at 85 %
    const manifest = (name: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n`;
    const dry = await kubectl(kubeconfigFile, ['apply', '--dry-run=server', '-f', '-'], manifest('dry'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('Warning: cost: Service shop/dry (LoadBalancer) adds $1.00/mo');
    expect(dry.stderr).toMatch(/Warning: budget headroom: team payments \$[\d.]+\/mo\n/);
    expect(dry.stderr).toMatch(/Warning: team payments is at 8\d% of its \$[\d.]+\/mo budget/);
    expect(await w.committed('team:payments')).toBe(committed);
    expect(await recorded('dry')).toBeUndefined();

    const applied = await kubectl(kubeconfigFile, ['apply', '-f', '-'], manifest('eighty'));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toMatch(/Warning: team payments is at 8\d% of its \$[\d.]+\/mo budget/);
    expect(await w.committed('team:payments')).toBe(committed + DOLLAR);

    // Over budget: the dry run answers the same 403 as the real write would, and records no denial.
    const denials = await w.prisma.budgetDenial.count();
    await w.setCap('team:payments', committed + DOLLAR);
    const refused = await kubectl(kubeconfigFile, ['apply', '--dry-run=server', '-f', '-'], manifest('dry2'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Service shop/dry2 (LoadBalancer) adds $1.00/mo; team payments budget');
    expect(await w.prisma.budgetDenial.count()).toBe(denials);
    await w.setCap('team:payments', null);
  });

  it('deleting a namespace releases everything in it: committed back to 0', async () => {
    await core.deleteNamespace({ name: 'shop' });
    for (let i = 0; i < 100 && (await w.committed('cluster:web')) !== 0n; i++) await new Promise((r) => setTimeout(r, 50));
    for (const node of ['cluster:web', 'team:payments', 'team:platform', 'org']) expect(await w.committed(node)).toBe(0n);
    expect(await w.prisma.objectPrice.count({ where: { logicalClusterId: w.clusters[0]!.id } })).toBe(0);
    expect(await ledgerMismatches(w.pool, w.orgId)).toEqual([]);
  });

  it('50 concurrent creates against room for exactly 10 admit exactly 10, every time', async () => {
    const race = w.clusters[1]!;
    const raceCore = t.kubeConfig(race.kcpPath).makeApiClient(CoreV1Api);
    for (const node of ['team:payments', 'team:platform', 'org']) await w.setCap(node, null);
    await raceCore.createNamespace({ body: { metadata: { name: 'shop' } } });
    for (let round = 0; round < 5; round++) {
      const committed = await w.committed('cluster:race');
      await w.setCap('cluster:race', committed + 10n * DOLLAR);
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => raceCore.createNamespacedService({ namespace: 'shop', body: service(`r${round}-${i}`, 'LoadBalancer') })),
      );
      const admitted = results.filter((r) => r.status === 'fulfilled').length;
      const refusedCodes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ApiException<unknown>).code] : []));
      expect(admitted).toBe(10);
      expect(new Set(refusedCodes)).toEqual(new Set([403]));
      expect(await w.committed('cluster:race')).toBe(committed + 10n * DOLLAR);
    }
    expect(await ledgerMismatches(w.pool, w.orgId)).toEqual([]);
  });
});
