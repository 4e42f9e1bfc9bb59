/**
 * Property: for any sequence of tenant operations through the real API server
 * (creates of every priced kind, every patch type, scale, requests patched away,
 * LimitRanges created and deleted, Service type changes, HPA create/update,
 * status writes, deletes, namespace deletion), after each step every cost
 * node's committed amount equals the sum of the recorded prices under it, the
 * recorded prices equal the recomputed price of what is stored (the cost check),
 * and a change that raised cost never left a capped node on its path above its cap.
 */

import { checkCost } from '@atrium/db';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CostWorld, createCostWorld, ledgerMismatches } from './cost-fixture.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let w: CostWorld;

beforeAll(async () => {
  t = await startTestServer({ namespaceGraceMs: 50 });
  w = await createCostWorld(t, { org: 'prop', teams: ['platform', 'payments'], clusters: ['a', 'b'] });
});

afterAll(async () => {
  await w?.close();
  await t?.stop();
});

type Kind = 'services' | 'deployments' | 'cronjobs' | 'pods' | 'hpas' | 'limitranges';
type PatchType = 'merge' | 'json' | 'strategic' | 'apply';
type Op =
  | { op: 'service'; cluster: number; name: number; type: 'LoadBalancer' | 'ClusterIP' }
  | { op: 'deployment'; cluster: number; name: number; replicas: number; requests: Requests }
  | { op: 'pod'; cluster: number; name: number; requests: Requests; init: boolean }
  | { op: 'cronjob'; cluster: number; name: number; parallelism: number }
  | { op: 'hpa'; cluster: number; name: number; target: number; maxReplicas: number }
  | { op: 'limitrange'; cluster: number; name: number; cpu: string }
  | { op: 'scale'; cluster: number; name: number; replicas: number }
  | { op: 'requests'; cluster: number; name: number; patch: PatchType; requests: Requests }
  | { op: 'retype'; cluster: number; name: number; type: 'LoadBalancer' | 'ClusterIP'; patch: PatchType }
  | { op: 'status'; cluster: number; name: number }
  | { op: 'delete'; cluster: number; name: number; kind: Kind }
  | { op: 'delete-namespace'; cluster: number };

/** What a container asks for: nothing, limits only, zero, or explicit requests. */
type Requests = 'absent' | 'limits' | 'zero' | 'small' | 'large';
const resources = (r: Requests) =>
  ({
    absent: undefined,
    limits: { limits: { cpu: '200m', memory: '256Mi' } },
    zero: { requests: { cpu: '0', memory: '0' } },
    small: { requests: { cpu: '10m', memory: '16Mi' } },
    large: { requests: { cpu: '500m', memory: '1Gi' } },
  })[r];

const cluster = fc.integer({ min: 0, max: 1 });
const name = fc.integer({ min: 0, max: 2 });
const serviceType = fc.constantFrom('LoadBalancer' as const, 'ClusterIP' as const);
const replicas = fc.integer({ min: 0, max: 4 });
const requests = fc.constantFrom<Requests>('absent', 'limits', 'zero', 'small', 'large');
const patchType = fc.constantFrom<PatchType>('merge', 'json', 'strategic', 'apply');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  // Rarer than the rest: it empties the namespace for the remaining steps.
  { arbitrary: fc.record({ op: fc.constant('delete-namespace' as const), cluster }), weight: 1 },
  fc.record({ op: fc.constant('service' as const), cluster, name, type: serviceType }),
  fc.record({ op: fc.constant('deployment' as const), cluster, name, replicas, requests }),
  fc.record({ op: fc.constant('pod' as const), cluster, name, requests, init: fc.boolean() }),
  fc.record({ op: fc.constant('cronjob' as const), cluster, name, parallelism: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('hpa' as const), cluster, name, target: name, maxReplicas: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('limitrange' as const), cluster, name, cpu: fc.constantFrom('1m', '300m') }),
  fc.record({ op: fc.constant('scale' as const), cluster, name, replicas }),
  fc.record({ op: fc.constant('requests' as const), cluster, name, patch: patchType, requests }),
  fc.record({ op: fc.constant('retype' as const), cluster, name, type: serviceType, patch: patchType }),
  fc.record({ op: fc.constant('status' as const), cluster, name }),
  fc.record({
    op: fc.constant('delete' as const),
    cluster,
    name,
    kind: fc.constantFrom<Kind>('services', 'deployments', 'cronjobs', 'pods', 'hpas', 'limitranges'),
  }),
);
// Headroom above what is committed when a sequence starts, per node (null = no budget).
const headroom = fc.option(fc.integer({ min: 0, max: 12_000_000 }), { nil: null });

const PATHS: Record<Kind, string> = {
  services: 'api/v1/namespaces/NS/services',
  deployments: 'apis/apps/v1/namespaces/NS/deployments',
  cronjobs: 'apis/batch/v1/namespaces/NS/cronjobs',
  pods: 'api/v1/namespaces/NS/pods',
  hpas: 'apis/autoscaling/v2/namespaces/NS/horizontalpodautoscalers',
  limitranges: 'api/v1/namespaces/NS/limitranges',
};
const PREFIX: Record<Kind, string> = { services: 's', deployments: 'd', cronjobs: 'c', pods: 'p', hpas: 'h', limitranges: 'l' };
const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

async function send(clusterPath: string, ns: string, o: Op): Promise<number> {
  const base = `/clusters/${clusterPath}`;
  const url = (kind: Kind, name?: string) => `${base}/${PATHS[kind].replace('NS', ns)}${name !== undefined ? `/${name}` : ''}`;
  const post = async (kind: Kind, body: unknown) => (await t.request('POST', url(kind), { body })).status;
  const patch = async (kind: Kind, name: string, type: PatchType, body: unknown, suffix = '') =>
    (await t.request('PATCH', `${url(kind, name)}${suffix}${type === 'apply' ? '?fieldManager=prop' : ''}`, { body, contentType: CONTENT_TYPES[type] })).status;
  const container = (r: Requests) => ({ name: 'c', image: 'nginx', ...(resources(r) ? { resources: resources(r) } : {}) });
  const n = 'name' in o ? o.name : 0;
  const deploy = (replicas: number, r: Requests) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `d${n}` },
    spec: { replicas, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [container(r)] } } },
  });
  switch (o.op) {
    case 'service':
      return post('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${o.name}` }, spec: { type: o.type, ports: [{ port: 80 }] } });
    case 'deployment':
      return post('deployments', deploy(o.replicas, o.requests));
    case 'pod':
      return post('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${o.name}` },
        spec: {
          containers: [container(o.requests)],
          ...(o.init ? { initContainers: [{ name: 'i', image: 'busybox', resources: { requests: { cpu: '700m' } } }] } : {}),
        },
      });
    case 'cronjob':
      return post('cronjobs', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: `c${o.name}` },
        spec: {
          schedule: '@hourly',
          jobTemplate: { spec: { parallelism: o.parallelism, template: { spec: { restartPolicy: 'Never', containers: [container('absent')] } } } },
        },
      });
    case 'hpa': {
      const hpa = {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: `h${o.name}` },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `d${o.target}` }, minReplicas: 1, maxReplicas: o.maxReplicas },
      };
      const created = await post('hpas', hpa);
      // An existing one is updated instead: HPA create and update both in the mix.
      return created === 409 ? patch('hpas', `h${o.name}`, 'merge', { spec: hpa.spec }) : created;
    }
    case 'limitrange':
      return post('limitranges', {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: `l${o.name}` },
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: o.cpu, memory: '64Mi' } }] },
      });
    case 'scale':
      return patch('deployments', `d${o.name}`, 'merge', { spec: { replicas: o.replicas } }, '/scale');
    case 'requests': {
      const r = resources(o.requests);
      const bodies: Record<PatchType, unknown> = {
        merge: { spec: { template: { spec: { containers: [container(o.requests)] } } } },
        json: r
          ? [{ op: 'add', path: '/spec/template/spec/containers/0/resources', value: r }]
          : [{ op: 'replace', path: '/spec/template/spec/containers', value: [container('absent')] }],
        strategic: { spec: { template: { spec: { containers: [{ name: 'c', resources: r ?? { requests: null, limits: null } }] } } } },
        apply: deploy(1, o.requests),
      };
      return patch('deployments', `d${o.name}`, o.patch, bodies[o.patch]);
    }
    case 'retype': {
      const bodies: Record<PatchType, unknown> = {
        merge: { spec: { type: o.type } },
        json: [{ op: 'replace', path: '/spec/type', value: o.type }],
        strategic: { spec: { type: o.type } },
        apply: { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${o.name}` }, spec: { type: o.type, ports: [{ port: 80 }] } },
      };
      return patch('services', `s${o.name}`, o.patch, bodies[o.patch]);
    }
    case 'status':
      // A tenant may write status: marking a Pod Succeeded must not change what it costs.
      return patch('pods', `p${o.name}`, 'merge', { status: { phase: 'Succeeded' } }, '/status');
    case 'delete':
      return (await t.request('DELETE', url(o.kind, `${PREFIX[o.kind]}${o.name}`))).status;
    case 'delete-namespace': {
      const status = (await t.request('DELETE', `${base}/api/v1/namespaces/${ns}`)).status;
      // The namespace controller empties it off the request; the next step starts once it is gone, so
      // each step's before/after is that step's alone (the ledger holds at every instant in between).
      for (let i = 0; i < 100 && (await t.request('GET', `${base}/api/v1/namespaces/${ns}`)).status !== 404; i++) await new Promise((r) => setTimeout(r, 20));
      return status;
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
    fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 10 }), fc.tuple(...nodeNames.map(() => headroom)), async (ops, rooms) => {
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
        // What admission committed is exactly the recomputed price of what is stored.
        expect((await checkCost(w.pool, { orgSlug: w.orgSlug })).differences, JSON.stringify(o)).toEqual([]);
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
