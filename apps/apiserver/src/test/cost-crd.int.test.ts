/**
 * Deleting a CustomResourceDefinition removes its custom resources without a DELETE per
 * object: the prices recorded for them must be released too, or the budgets above the
 * cluster would stay charged for objects that no longer exist.
 */
import { addPriceBookEntries } from '@atrium/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CostWorld, createCostWorld, ledgerMismatches } from './cost-fixture.js';
import { startTestServer, type TestServer, widgetCrd } from './harness.js';

const QUARTER = 250_000n;

let t: TestServer;
let w: CostWorld;

const crd = widgetCrd({
  names: { singular: 'widget' },
  version: { schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } },
});

beforeAll(async () => {
  t = await startTestServer();
  w = await createCostWorld(t, { org: 'acme', teams: ['platform'], clusters: ['web'] });
  // Before the first priced write, so the server's price book cache starts with this rule.
  await addPriceBookEntries(w.prisma, [
    {
      type: 'rule',
      orgId: w.orgId,
      effectiveFrom: new Date(0),
      rule: { key: 'widget', description: 'Widget', unit: 'object', priceMicros: QUARTER, apiGroup: 'example.com', kind: 'Widget' },
    },
  ]);
});

afterAll(async () => {
  await w?.close();
  await t?.stop();
});

describe('cost of custom resources', () => {
  it('prices custom resources by the org rule and releases them when their CRD is deleted', async () => {
    const base = `/clusters/${w.clusters[0]!.kcpPath}`;
    expect((await t.request('POST', `${base}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { body: crd })).status).toBe(201);
    await expect.poll(async () => (await t.request('GET', `${base}/apis/example.com/v1/namespaces/default/widgets`)).status, { timeout: 5000 }).toBe(200);
    for (const name of ['a', 'b']) {
      const created = await t.request('POST', `${base}/apis/example.com/v1/namespaces/default/widgets`, {
        body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: {} },
      });
      expect(created.status).toBe(201);
    }
    for (const node of ['cluster:web', 'team:platform', 'org']) expect(await w.committed(node)).toBe(2n * QUARTER);

    expect((await t.request('DELETE', `${base}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com`)).status).toBe(200);
    await expect.poll(() => w.committed('org'), { timeout: 5000 }).toBe(0n);
    for (const node of ['cluster:web', 'team:platform']) expect(await w.committed(node)).toBe(0n);
    expect(await w.prisma.objectPrice.count({ where: { logicalClusterId: w.clusters[0]!.id } })).toBe(0);
    expect(await ledgerMismatches(w.pool, w.orgId)).toEqual([]);
  });
});
