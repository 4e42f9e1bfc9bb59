/**
 * A tenant is cluster-admin of its logical cluster: these are the ways such a tenant would try
 * to run something for less than the price book says, typed with the real kubectl v1.35 as
 * people type them. Each is either refused with the numbers or priced in full, and after all
 * of them the recompute check finds the ledger equal to the price of what is stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PRICE_RULES, formatMonthlyMicros, priceBookOf, priceObject } from '@atrium/core';
import { checkCost } from '@atrium/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { adminKubeconfig } from '../kubeconfig.js';
import { type CostWorld, createCostWorld } from './cost-fixture.js';
import { kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

const DOLLAR = 1_000_000n;
const book = priceBookOf(DEFAULT_PRICE_RULES);
/** One pod at the platform's floor (100m CPU, 128Mi): what any container without (or below) requests costs. */
const floorPods = (replicas: number) =>
  priceObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas, template: { spec: { containers: [{ name: 'c' }] } } } }, book).priceMicros;
const FLOOR_POD = floorPods(1);
const BUDGET = 12n * DOLLAR;
const GROUP = 'atrium:team:platform';

let t: TestServer;
let w: CostWorld;
let dir: string;
let tenant: string;
let base: string;

const money = (micros: bigint) => formatMonthlyMicros(micros);

async function tenantKubectl(args: string[], input?: string) {
  return kubectl(tenant, args, input);
}

async function apply(yaml: string, extra: string[] = []) {
  return tenantKubectl(['apply', ...extra, '-f', '-'], yaml);
}

/** Committed on the team node, where the budget is. */
const committed = () => w.committed('team:platform');

/** Expects the command to be refused by the budget, naming what the change adds and the budget. */
function expectRefused(r: { code: number; stderr: string }, adds: bigint) {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toContain('Forbidden');
  expect(r.stderr).toContain(`adds ${money(adds)}; team platform budget ${money(BUDGET)} has`);
}

const deployment = (name: string, replicas: number, container: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [${container}]
`;

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  w = await createCostWorld(t, { org: 'acme', teams: ['platform'], clusters: ['web'] });
  await w.setCap('team:platform', BUDGET);
  const kcpPath = w.clusters[0]!.kcpPath;
  base = `/clusters/${kcpPath}`;
  // What the worker writes into every new cluster: the team's cluster-admin binding and the default LimitRange.
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'atrium:members', labels: { 'atrium.io/guardrail': 'member-access' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: GROUP }],
  };
  expect((await t.request('POST', `${base}/apis/rbac.authorization.k8s.io/v1/clusterrolebindings`, { body: binding })).status).toBe(201);
  const defaults = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'atrium-defaults', labels: { 'atrium.io/guardrail': 'default-requests' } },
    spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
  };
  expect((await t.request('POST', `${base}/api/v1/namespaces/default/limitranges`, { body: defaults })).status).toBe(201);
  const token = await createToken(t.server.pool, { username: 'dev@acme.test', groups: [GROUP], clusters: [kcpPath] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-bypass-'));
  tenant = path.join(dir, 'tenant.kubeconfig');
  fs.writeFileSync(tenant, adminKubeconfig(t.server.httpsUrl!, token, { caPem: t.server.caPem!, paths: [kcpPath] }));
});

afterAll(async () => {
  await w?.close();
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a cluster-admin tenant cannot run anything for less than the price book says', () => {
  it('is cluster-admin: it can create and delete its own things', async () => {
    expect((await tenantKubectl(['auth', 'can-i', 'delete', 'limitranges'])).stdout.trim()).toBe('yes');
    const own = await apply(
      'apiVersion: v1\nkind: LimitRange\nmetadata: {name: mine}\nspec: {limits: [{type: Container, defaultRequest: {cpu: 1m, memory: 1Mi}}]}\n',
    );
    expect(own.code, own.stderr).toBe(0);
  });

  it('attack 1: delete the LimitRanges, then 50 replicas without requests — refused at the floor price', async () => {
    const deleted = await tenantKubectl(['delete', 'limitrange', '--all']);
    // The tenant's own range goes; the org's guardrail stays.
    expect(deleted.stdout).toContain('"mine" deleted');
    expect(deleted.stderr).toContain('atrium-defaults');
    const before = await committed();
    const r = await apply(deployment('big', 50, '{name: app, image: nginx}'));
    expectRefused(r, floorPods(50));
    expect(await committed()).toBe(before);
  });

  it('the typed command people type: `kubectl create deployment --replicas=50` (protobuf body, no requests) — refused', async () => {
    const r = await tenantKubectl(['create', 'deployment', 'typed', '--image=nginx', '--replicas=50']);
    // Typed commands print the refusal as "error: failed to create deployment: <message>".
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toContain(`failed to create deployment: Deployment default/typed adds ${money(floorPods(50))}; team platform budget ${money(BUDGET)} has`);
  });

  it('attack 2: small requests admitted, `patch --type=json` removes them, then `scale --replicas=40` — refused', async () => {
    const created = await apply(deployment('web', 1, '{name: app, image: nginx, resources: {requests: {cpu: 10m, memory: 16Mi}}}'));
    expect(created.code, created.stderr).toBe(0);
    // 10m / 16Mi is below the floor: it costs one floor pod, not $0.24.
    expect(await committed()).toBe(FLOOR_POD);
    const patched = await tenantKubectl([
      'patch',
      'deployment',
      'web',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/template/spec/containers/0/resources"}]',
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    expect(await committed()).toBe(FLOOR_POD);
    expectRefused(await tenantKubectl(['scale', 'deployment', 'web', '--replicas=40']), floorPods(40) - FLOOR_POD);
    expect(await committed()).toBe(FLOOR_POD);
  });

  it('requests of "0", and `kubectl set resources` to zero — priced at the floor', async () => {
    expectRefused(await apply(deployment('zero', 10, '{name: app, image: nginx, resources: {requests: {cpu: "0", memory: "0"}}}')), floorPods(10));
    const set = await tenantKubectl(['set', 'resources', 'deployment', 'web', '--requests=cpu=0,memory=0']);
    expect(set.code, set.stderr).toBe(0);
    expect(await committed()).toBe(FLOOR_POD);
  });

  it('server-side apply that drops the requests — still the floor', async () => {
    const ssa = await apply(deployment('web', 1, '{name: app, image: nginx}'), ['--server-side', '--force-conflicts']);
    expect(ssa.code, ssa.stderr).toBe(0);
    expect(await committed()).toBe(FLOOR_POD);
  });

  it('a tiny app container with a huge init container — priced at the init container', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: init}\nspec:\n  initContainers: [{name: warm, image: busybox, resources: {requests: {cpu: "8"}}}]\n  containers: [{name: app, image: nginx, resources: {requests: {cpu: 1m}}}]\n';
    const price = priceObject(
      { apiVersion: 'v1', kind: 'Pod', spec: { initContainers: [{ resources: { requests: { cpu: '8' } } }], containers: [{}] } },
      book,
    ).priceMicros;
    expectRefused(await apply(pod), price);
  });

  it('an autoscaler that may grow the Deployment to 50 — reserves the 49 replicas and is refused', async () => {
    const hpa =
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 50\n';
    // It reserves the price of the 49 pods it may add, rounded once.
    expectRefused(await apply(hpa), floorPods(49));
    // One that fits (to 3) is admitted; scaling the target within it then costs nothing more.
    const fits = await apply(hpa.replace('maxReplicas: 50', 'maxReplicas: 3'));
    expect(fits.code, fits.stderr).toBe(0);
    expect(await committed()).toBe(FLOOR_POD + floorPods(2));
    expect((await tenantKubectl(['scale', 'deployment', 'web', '--replicas=3'])).code).toBe(0);
    expect(await committed()).toBe(floorPods(3));
    // Raising maxReplicas past the budget, by patch, is refused with the numbers.
    expectRefused(await tenantKubectl(['patch', 'hpa', 'web', '--type=merge', '-p', '{"spec":{"maxReplicas":20}}']), floorPods(17));
  });

  it('a CronJob whose every run is 20 pods wide — priced as one run, refused', async () => {
    const cron =
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: batch}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      parallelism: 20\n      template:\n        spec:\n          restartPolicy: Never\n          containers: [{name: job, image: busybox}]\n';
    expectRefused(await apply(cron), floorPods(20));
  });

  it('a Pod that claims a ReplicaSet controls it — priced all the same', async () => {
    const forged =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: stowaway\n  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: ghost, uid: 00000000-0000-0000-0000-000000000000, controller: true}]\nspec:\n  containers: [{name: app, image: nginx, resources: {requests: {cpu: "4"}}}]\n';
    const price = priceObject({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ resources: { requests: { cpu: '4' } } }] } }, book).priceMicros;
    expectRefused(await apply(forged), price);
  });

  it('a Pod whose status says Succeeded keeps its price (status writes change no cost)', async () => {
    const pod = await apply('apiVersion: v1\nkind: Pod\nmetadata: {name: done}\nspec:\n  containers: [{name: app, image: nginx}]\n');
    expect(pod.code, pod.stderr).toBe(0);
    const before = await committed();
    expect(before).toBe(floorPods(3) + FLOOR_POD);
    const status = await tenantKubectl(['patch', 'pod', 'done', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Succeeded"}}']);
    expect(status.code, status.stderr).toBe(0);
    expect(await committed()).toBe(before);
  });

  it('a negative overhead or a negative request — refused as invalid, nothing written', async () => {
    const negative = await apply(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: neg}\nspec:\n  overhead: {cpu: "-2"}\n  containers: [{name: app, image: nginx}]\n',
    );
    expect(negative.code).not.toBe(0);
    expect(negative.stderr).toMatch(/Invalid|invalid/);
    expect(negative.stderr).toContain('must not be negative');
    expect((await tenantKubectl(['get', 'pod', 'neg'])).code).not.toBe(0);
  });

  it('a generic ephemeral volume of 2Ti — priced as storage per pod, refused', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: scratch}\nspec:\n  containers: [{name: app, image: nginx}]\n  volumes: [{name: s, ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Ti}}}}}}]\n';
    const price = priceObject(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        spec: { containers: [{}], volumes: [{ ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '2Ti' } } } } } }] },
      },
      book,
    ).priceMicros;
    expectRefused(await apply(pod), price);
  });

  it('a DaemonSet — priced on the region’s nodes, not one', async () => {
    const ds =
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers: [{name: a, image: busybox, resources: {requests: {cpu: 500m}}}]\n';
    const onePod = priceObject({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ resources: { requests: { cpu: '500m' } } }] } }, book).priceMicros;
    expectRefused(await apply(ds), (onePod * 3n) as bigint);
  });

  it('a child workspace to run things outside the cluster’s budget — refused', async () => {
    const r = await apply('apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata: {name: hideout}\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/does not allow child workspaces|forbidden|Forbidden/);
  });

  it('a CustomResourceDefinition that would shadow Deployments with an unpriced kind — refused', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: deployments.apps}
spec:
  group: apps
  scope: Namespaced
  names: {plural: deployments, singular: deployment, kind: Deployment}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`;
    const r = await apply(crd);
    expect(r.code).not.toBe(0);
    expect(r.stderr, r.stderr).toContain('is served by the server itself');
  });

  it('the org’s guardrails stay: the default LimitRange and the members binding cannot be removed or edited', async () => {
    for (const args of [
      ['delete', 'limitrange', 'atrium-defaults'],
      ['patch', 'limitrange', 'atrium-defaults', '--type=json', '-p', '[{"op":"replace","path":"/spec/limits/0/defaultRequest/cpu","value":"1m"}]'],
      ['delete', 'clusterrolebinding', 'atrium:members'],
    ]) {
      const r = await tenantKubectl(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toContain('guardrail of org acme');
    }
  });

  it('after every attempt, the ledger equals the recomputed price of what is stored', async () => {
    const report = await checkCost(w.pool, { orgSlug: 'acme' });
    expect(report.differences).toEqual([]);
    expect(await committed()).toBeLessThanOrEqual(BUDGET);
  });
});
