/**
 * The race: 50 concurrent creates of a mix of kinds — LoadBalancer Services, Pods,
 * Deployments, CronJobs, PersistentVolumeClaims and HorizontalPodAutoscalers reserving
 * replicas of an existing Deployment — against room for exactly 10 of them. Each costs
 * exactly $1.00 under the org's book ($10 per vCPU-month, memory free), so exactly 10 are
 * admitted every round whatever the interleaving, and the ledger matches the store after.
 */
import { checkCost } from '@atrium/db';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CostWorld, createCostWorld, ledgerMismatches } from './cost-fixture.js';
import { startTestServer, type TestServer } from './harness.js';

const DOLLAR = 1_000_000n;
let t: TestServer;
let w: CostWorld;
let base: string;

beforeAll(async () => {
  t = await startTestServer();
  w = await createCostWorld(t, { org: 'race', teams: ['platform'], clusters: ['race'] });
  // Round prices so that every object below costs exactly $1.00 (before the first priced write: the server caches the book).
  await w.prisma.priceBookEntry.createMany({
    data: [
      {
        orgId: w.orgId,
        type: 'rule',
        subject: 'rule:cpu',
        effectiveFrom: new Date(0),
        rule: { key: 'cpu', description: 'CPU', unit: 'vcpu-month', priceMicros: '10000000' },
      },
      {
        orgId: w.orgId,
        type: 'rule',
        subject: 'rule:memory',
        effectiveFrom: new Date(0),
        rule: { key: 'memory', description: 'Memory', unit: 'memory-gib-month', priceMicros: '0' },
      },
    ],
  });
  base = `/clusters/${w.clusters[0]!.kcpPath}`;
  expect((await t.request('POST', `${base}/api/v1/namespaces`, { body: { metadata: { name: 'shop' } } })).status).toBe(201);
});

afterAll(async () => {
  await w?.close();
  await t?.stop();
});

const ns = (path: string) => `${base}/${path.replace('NS', 'shop')}`;
const pod100m = { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] };

/** One $1.00 create of the i-th kind in the mix. */
function create(round: number, i: number): { url: string; body: unknown } {
  const name = `r${round}-${i}`;
  switch (i % 6) {
    case 0:
      return { url: ns('api/v1/namespaces/NS/services'), body: { metadata: { name }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } } };
    case 1:
      return { url: ns('api/v1/namespaces/NS/pods'), body: { metadata: { name }, spec: pod100m } };
    case 2:
      return {
        url: ns('apis/apps/v1/namespaces/NS/deployments'),
        body: {
          metadata: { name },
          spec: { replicas: 1, selector: { matchLabels: { a: name } }, template: { metadata: { labels: { a: name } }, spec: pod100m } },
        },
      };
    case 3:
      return {
        url: ns('apis/batch/v1/namespaces/NS/cronjobs'),
        body: { metadata: { name }, spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { ...pod100m, restartPolicy: 'Never' } } } } } },
      };
    case 4:
      return {
        url: ns('api/v1/namespaces/NS/persistentvolumeclaims'),
        body: { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '25Gi' } } } },
      };
    default:
      // Reserves one more replica of the (already admitted) base Deployment.
      return {
        url: ns('apis/autoscaling/v2/namespaces/NS/horizontalpodautoscalers'),
        body: { metadata: { name }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'base' }, maxReplicas: 2 } },
      };
  }
}

it('50 concurrent creates of mixed kinds against room for exactly 10 admit exactly 10, every round', { timeout: 120_000 }, async () => {
  const baseDeployment = {
    metadata: { name: 'base' },
    spec: { replicas: 1, selector: { matchLabels: { a: 'base' } }, template: { metadata: { labels: { a: 'base' } }, spec: pod100m } },
  };
  expect((await t.request('POST', ns('apis/apps/v1/namespaces/NS/deployments'), { body: baseDeployment })).status).toBe(201);
  expect(await w.committed('cluster:race')).toBe(DOLLAR);
  for (let round = 0; round < 4; round++) {
    const committed = await w.committed('cluster:race');
    await w.setCap('cluster:race', committed + 10n * DOLLAR);
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const { url, body } = create(round, i);
        return (await t.request('POST', url, { body })).status;
      }),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(new Set(statuses.filter((s) => s !== 201))).toEqual(new Set([403]));
    expect(await w.committed('cluster:race')).toBe(committed + 10n * DOLLAR);
  }
  expect(await ledgerMismatches(w.pool, w.orgId)).toEqual([]);
  expect((await checkCost(w.pool, { orgSlug: 'race' })).differences).toEqual([]);
});
