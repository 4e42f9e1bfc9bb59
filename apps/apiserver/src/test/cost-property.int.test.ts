/**
 * Property: for any sequence of changes through the real API server, every
 * cost node's committed amount equals the sum of the recorded prices under it
 * (checked in SQL after each step), and a change that raised cost never left
 * a capped node on its path above its cap.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CostWorld, createCostWorld, ledgerMismatches } from './cost-fixture.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let w: CostWorld;

beforeAll(async () => {
  t = await startTestServer();
  w = await createCostWorld(t, { org: 'prop', teams: ['platform', 'payments'], clusters: ['a', 'b'] });
});

afterAll(async () => {
  await w?.close();
  await t?.stop();
});

type Op =
  | { op: 'service'; cluster: number; name: number; type: 'LoadBalancer' | 'ClusterIP' }
  | { op: 'deployment'; cluster: number; name: number; replicas: number }
  | { op: 'scale'; cluster: number; name: number; replicas: number }
  | { op: 'retype'; cluster: number; name: number; type: 'LoadBalancer' | 'ClusterIP' }
  | { op: 'delete'; cluster: number; name: number; kind: 'services' | 'deployments' };

const cluster = fc.integer({ min: 0, max: 1 });
const name = fc.integer({ min: 0, max: 2 });
const serviceType = fc.constantFrom('LoadBalancer' as const, 'ClusterIP' as const);
const replicas = fc.integer({ min: 0, max: 4 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('service' as const), cluster, name, type: serviceType }),
  fc.record({ op: fc.constant('deployment' as const), cluster, name, replicas }),
  fc.record({ op: fc.constant('scale' as const), cluster, name, replicas }),
  fc.record({ op: fc.constant('retype' as const), cluster, name, type: serviceType }),
  fc.record({ op: fc.constant('delete' as const), cluster, name, kind: fc.constantFrom('services' as const, 'deployments' as const) }),
);
// Headroom above what is committed when a sequence starts, per node (null = no budget).
const headroom = fc.option(fc.integer({ min: 0, max: 4_000_000 }), { nil: null });

async function send(clusterPath: string, ns: string, o: Op): Promise<number> {
  const base = `/clusters/${clusterPath}`;
  const svc = (type: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s${o.name}` }, spec: { type, ports: [{ port: 80 }] } });
  const deploy = (n: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `d${o.name}` },
    spec: {
      replicas: n,
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  });
  const merge = 'application/merge-patch+json';
  switch (o.op) {
    case 'service':
      return (await t.request('POST', `${base}/api/v1/namespaces/${ns}/services`, { body: svc(o.type) })).status;
    case 'deployment':
      return (await t.request('POST', `${base}/apis/apps/v1/namespaces/${ns}/deployments`, { body: deploy(o.replicas) })).status;
    case 'scale':
      return (
        await t.request('PATCH', `${base}/apis/apps/v1/namespaces/${ns}/deployments/d${o.name}/scale`, {
          body: { spec: { replicas: o.replicas } },
          contentType: merge,
        })
      ).status;
    case 'retype':
      return (await t.request('PATCH', `${base}/api/v1/namespaces/${ns}/services/s${o.name}`, { body: { spec: { type: o.type } }, contentType: merge })).status;
    case 'delete': {
      const group = o.kind === 'services' ? 'api/v1' : 'apis/apps/v1';
      return (await t.request('DELETE', `${base}/${group}/namespaces/${ns}/${o.kind}/${o.kind === 'services' ? 's' : 'd'}${o.name}`)).status;
    }
  }
}

async function nodes(): Promise<Map<string, { cap: bigint | null; committed: bigint }>> {
  const { rows } = await w.pool.query<{ id: string; cap: string | null; committed: string }>(
    `select id, "capMicros"::text as cap, "committedMicros"::text as committed from "Budget" where "orgId" = $1`,
    [w.orgId],
  );
  return new Map(rows.map((r) => [r.id, { cap: r.cap === null ? null : BigInt(r.cap), committed: BigInt(r.committed) }]));
}

let sequence = 0;

it('keeps every node equal to the prices under it and never lets a cost-raising change exceed a cap', { timeout: 300_000 }, async () => {
  const nodeNames = ['cluster:a', 'cluster:b', 'team:payments', 'team:platform', 'org'];
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 8 }), fc.tuple(...nodeNames.map(() => headroom)), async (ops, rooms) => {
      const ns = `p${sequence++}`;
      for (const c of w.clusters) {
        expect((await t.request('POST', `/clusters/${c.kcpPath}/api/v1/namespaces`, { body: { metadata: { name: ns } } })).status).toBe(201);
      }
      for (const [i, node] of nodeNames.entries()) {
        const room = rooms[i];
        await w.setCap(node, room === null || room === undefined ? null : (await w.committed(node)) + BigInt(room));
      }
      for (const o of ops) {
        const target = w.clusters[o.cluster]!;
        const before = await nodes();
        const status = await send(target.kcpPath, ns, o);
        expect([200, 201, 202, 403, 404, 409, 422]).toContain(status);
        const after = await nodes();
        expect(await ledgerMismatches(w.pool, w.orgId)).toEqual([]);
        const clusterNode = w.nodes.get(`cluster:${target.name}`)!;
        if (status === 403) expect(after).toEqual(before);
        if (after.get(clusterNode)!.committed > before.get(clusterNode)!.committed) {
          for (const node of ['org', `team:payments`, `team:platform`, `cluster:${target.name}`]) {
            const n = after.get(w.nodes.get(node)!)!;
            if (n.cap !== null) expect(n.committed, `${node} after ${JSON.stringify(o)}`).toBeLessThanOrEqual(n.cap);
          }
        }
      }
    }),
    { numRuns: 15 },
  );
});
