/**
 * Server-side apply as Kubernetes does it, driven by the real kubectl and by
 * client-node: managedFields per manager and operation, removal of fields an
 * applier stopped sending, conflicts naming the other manager and field,
 * --force-conflicts, kubectl diff, list types from the schema (built-in and CRD).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer, widgetCrd } from './harness.js';

let t: TestServer;
let dir: string;
let admin: string;
const CLUSTER = 'root:ssa:dev';
const base = `/clusters/${CLUSTER}`;

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  fieldsV1: Record<string, unknown>;
  subresource?: string;
  time?: string;
}
interface Obj {
  metadata: { name: string; labels?: Record<string, string>; managedFields?: Entry[]; resourceVersion?: string };
  spec?: Record<string, unknown> & { replicas?: number; template?: { spec: { containers: { name: string; image: string; env?: { name: string }[] }[] } } };
  data?: Record<string, string>;
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function deployment(o: { replicas?: number; label?: boolean; env?: boolean; image?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web${o.label === false ? '' : '\n    tier: front'}
spec:${o.replicas === undefined ? '' : `\n  replicas: ${o.replicas}`}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: ${o.image ?? 'nginx:1.27'}${
          o.env === false
            ? ''
            : `
        env:
        - name: MODE
          value: fast`
        }
`;
}

async function getJson(kind: string, name: string): Promise<Obj> {
  const r = await kubectl(admin, ['get', kind, name, '-o', 'json', '--show-managed-fields']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Obj;
}

const managers = (o: Obj) => (o.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`);
const entry = (o: Obj, manager: string, operation = 'Apply') => o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation);

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create('root:ssa');
  await t.server.clusters.create(CLUSTER, { owner: 'owner' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-ssa-test-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: [CLUSTER] }));
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kubectl apply --server-side', () => {
  it('creates with an Apply entry for kubectl; applying the same manifest again changes nothing', async () => {
    const first = await kubectl(admin, ['apply', '--server-side', '-f', write('d1.yaml', deployment({ replicas: 2 }))]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('deployment.apps/web serverside-applied');
    const created = await getJson('deployment', 'web');
    expect(managers(created)).toEqual(['kubectl/Apply']);
    const fields = entry(created, 'kubectl')!.fieldsV1 as { 'f:spec': Record<string, unknown>; 'f:metadata': Record<string, unknown> };
    expect(fields['f:metadata']).toEqual({ 'f:labels': { 'f:app': {}, 'f:tier': {} } });
    expect(fields['f:spec']['f:replicas']).toEqual({});
    expect(fields['f:spec']['f:selector']).toEqual({});
    expect(Object.keys((fields['f:spec']['f:template'] as { 'f:spec': { 'f:containers': object } })['f:spec']['f:containers'])).toEqual(['k:{"name":"nginx"}']);

    const again = await kubectl(admin, ['apply', '--server-side', '-f', write('d1.yaml', deployment({ replicas: 2 }))]);
    expect(again.code, again.stderr).toBe(0);
    const unchanged = await getJson('deployment', 'web');
    expect(unchanged.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('removes the fields the applier stopped sending, and only those', async () => {
    const r = await kubectl(admin, ['apply', '--server-side', '-f', write('d2.yaml', deployment({ replicas: 2, label: false, env: false }))]);
    expect(r.code, r.stderr).toBe(0);
    const after = await getJson('deployment', 'web');
    expect(after.metadata.labels).toEqual({ app: 'web' });
    expect(after.spec!.template!.spec.containers[0]!.env).toBeUndefined();
    expect(after.spec!.replicas).toBe(2);
    // Defaults the server filled in are nobody's to remove.
    expect(after.spec!.strategy).toBeDefined();
  });

  it('a second manager conflicts on a field kubectl applied; --force-conflicts takes it over', async () => {
    const other = write('other.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 5\n`);
    const refused = await kubectl(admin, ['apply', '--server-side', '--field-manager=autoscaler', '-f', other]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect((await getJson('deployment', 'web')).spec!.replicas).toBe(2);

    const forced = await kubectl(admin, ['apply', '--server-side', '--field-manager=autoscaler', '--force-conflicts', '-f', other]);
    expect(forced.code, forced.stderr).toBe(0);
    const after = await getJson('deployment', 'web');
    expect(after.spec!.replicas).toBe(5);
    expect(managers(after).sort()).toEqual(['autoscaler/Apply', 'kubectl/Apply']);
    expect(JSON.stringify(entry(after, 'kubectl')!.fieldsV1)).not.toContain('f:replicas');
    expect(entry(after, 'autoscaler')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });

    // kubectl no longer owns replicas: applying without it leaves the autoscaler's value.
    const kubectlAgain = await kubectl(admin, ['apply', '--server-side', '-f', write('d3.yaml', deployment({ label: false, env: false }))]);
    expect(kubectlAgain.code, kubectlAgain.stderr).toBe(0);
    expect((await getJson('deployment', 'web')).spec!.replicas).toBe(5);
  });

  it('updates are tracked per manager: kubectl scale (by its user agent, through /scale), set image, label; an apply then conflicts with them', async () => {
    expect((await kubectl(admin, ['scale', 'deployment', 'web', '--replicas=3'])).code).toBe(0);
    expect((await kubectl(admin, ['set', 'image', 'deployment/web', 'nginx=nginx:1.28'])).code).toBe(0);
    expect((await kubectl(admin, ['label', 'deployment', 'web', 'team=blue'])).code).toBe(0);
    const after = await getJson('deployment', 'web');
    expect(managers(after).sort()).toEqual(['kubectl-label/Update', 'kubectl-set/Update', 'kubectl/Apply', 'kubectl/Update/scale']);
    expect(entry(after, 'kubectl', 'Update')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(after, 'kubectl-label', 'Update')!.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } } });
    expect(entry(after, 'autoscaler')).toBeUndefined();

    const conflict = await kubectl(admin, ['apply', '--server-side', '-f', write('d4.yaml', deployment({ replicas: 1, label: false, env: false }))]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Apply failed with 2 conflicts');
    expect(conflict.stderr).toContain('conflicts with "kubectl" with subresource "scale" using apps/v1:\n- .spec.replicas');
    expect(conflict.stderr).toContain('conflicts with "kubectl-set" using apps/v1:\n- .spec.template.spec.containers[name="nginx"].image');
  });

  it('kubectl diff --server-side shows the change without making it', async () => {
    const file = write('d5.yaml', deployment({ replicas: 3, label: false, env: false, image: 'nginx:1.29' }));
    const diff = await kubectl(admin, ['diff', '--server-side', '--force-conflicts', '-f', file]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toMatch(/-\s+- image: nginx:1.28|-\s+image: nginx:1.28/);
    expect(diff.stdout).toMatch(/\+\s+- image: nginx:1.29|\+\s+image: nginx:1.29/);
    expect((await getJson('deployment', 'web')).spec!.template!.spec.containers[0]!.image).toBe('nginx:1.28');
    // Client-side diff (a dry-run patch) works too.
    const clientDiff = await kubectl(admin, ['diff', '-f', file]);
    expect(clientDiff.code, clientDiff.stderr).toBe(1);
    expect(clientDiff.stdout).toContain('nginx:1.29');
  });

  it('kubectl create records kubectl-create; a reset of managedFields leaves the object untracked until the next apply', async () => {
    expect((await kubectl(admin, ['create', 'configmap', 'plain', '--from-literal=a=1'])).code).toBe(0);
    const created = await getJson('configmap', 'plain');
    expect(managers(created)).toEqual(['kubectl-create/Update']);
    expect(entry(created, 'kubectl-create', 'Update')!.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:a': {} } });

    const reset = await kubectl(admin, ['patch', 'configmap', 'plain', '--type=merge', '-p', '{"metadata":{"managedFields":[{}]}}']);
    expect(reset.code, reset.stderr).toBe(0);
    expect((await getJson('configmap', 'plain')).metadata.managedFields).toBeUndefined();
    // The fields set before the first apply belong to before-first-apply, so the apply conflicts with them.
    const file = write('plain.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: default}\ndata: {a: "2"}\n');
    const conflict = await kubectl(admin, ['apply', '--server-side', '-f', file]);
    expect(conflict.stderr).toContain('conflict with "before-first-apply" using v1: .data.a');
    expect((await kubectl(admin, ['apply', '--server-side', '--force-conflicts', '-f', file])).code).toBe(0);
    const applied = await getJson('configmap', 'plain');
    expect(applied.data).toEqual({ a: '2' });
    // As in Kubernetes, before-first-apply keeps the map it created; the key moved to kubectl.
    expect(managers(applied).sort()).toEqual(['before-first-apply/Update', 'kubectl/Apply']);
    expect(entry(applied, 'before-first-apply', 'Update')!.fieldsV1).toEqual({ 'f:data': {} });
    expect(entry(applied, 'kubectl')!.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });
});

describe('server-side apply with client-node', () => {
  it('applies, drops a key, forces, and keeps apply entries apart from update entries', async () => {
    const api = KubernetesObjectApi.makeApiClient(t.kubeConfig(CLUSTER));
    const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'node', namespace: 'default' }, data });
    const apply = (data: Record<string, string>, manager: string, force = false) =>
      api.patch(cm(data), undefined, undefined, manager, force, PatchStrategy.ServerSideApply) as Promise<Obj>;
    expect((await apply({ a: '1', b: '2' }, 'ctl')).data).toEqual({ a: '1', b: '2' });
    expect((await apply({ b: '2' }, 'ctl')).data).toEqual({ b: '2' });
    const refused = await apply({ b: '3' }, 'other').catch((e: { code: number; body: string }) => e);
    expect((refused as { code: number }).code).toBe(409);
    const status = JSON.parse((refused as { body: string }).body) as {
      reason: string;
      details: { causes: { reason: string; field: string; message: string }[] };
    };
    expect(status.reason).toBe('Conflict');
    expect(status.details.causes).toEqual([{ reason: 'FieldManagerConflict', field: '.data.b', message: 'conflict with "ctl"' }]);
    const forced = await apply({ b: '3' }, 'other', true);
    expect(forced.data).toEqual({ b: '3' });
    // The same name updating (not applying) is a separate entry.
    const updated = (await api.patch(cm({ c: '4' }), undefined, undefined, 'ctl', undefined, PatchStrategy.MergePatch)) as Obj;
    expect(managers(updated).sort()).toEqual(['ctl/Update', 'other/Apply']);
  });
});

describe('list types from the schema', () => {
  it('two appliers each own their own container env entry and port (associative lists), not the whole list', async () => {
    const mk = (manager: string, env: string) =>
      t.request('PATCH', `${base}/apis/apps/v1/namespaces/default/deployments/lists?fieldManager=${manager}`, {
        contentType: 'application/apply-patch+yaml',
        body: `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: lists}\nspec:\n  selector: {matchLabels: {app: l}}\n  template:\n    metadata: {labels: {app: l}}\n    spec:\n      containers:\n      - name: app\n        image: app:1\n        env:\n        - {name: ${env}, value: "1"}\n        ports:\n        - containerPort: 80\n`,
      });
    expect((await mk('one', 'ONE')).status).toBe(201);
    const second = await mk('two', 'TWO');
    expect(second.status).toBe(200);
    const obj = (await second.json()) as { spec: { template: { spec: { containers: { env: { name: string }[]; ports: unknown[] }[] } } } };
    expect(obj.spec.template.spec.containers[0]!.env.map((e) => e.name)).toEqual(['ONE', 'TWO']);
    // The port key defaults its protocol: both appliers sent the same item, so they share it.
    expect(obj.spec.template.spec.containers[0]!.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    const dropOne = await t.request('PATCH', `${base}/apis/apps/v1/namespaces/default/deployments/lists?fieldManager=one`, {
      contentType: 'application/apply-patch+yaml',
      body: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: lists}\n',
    });
    const after = (await dropOne.json()) as typeof obj;
    expect(after.spec.template.spec.containers[0]!.env.map((e) => e.name)).toEqual(['TWO']);
    expect(after.spec.template.spec.containers[0]!.ports).toHaveLength(1);
  });

  it('a CRD list marked x-kubernetes-list-type: map merges by key; an atomic one is replaced and conflicts', async () => {
    const crd = widgetCrd({
      version: {
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  rules: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['id'],
                    items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, action: { type: 'string' } } },
                  },
                  tags: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    });
    const created = await t.request('POST', `${base}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, { body: crd });
    expect(created.status, await created.clone().text()).toBe(201);
    const url = `${base}/apis/example.com/v1/namespaces/default/widgets/w`;
    const apply = (manager: string, spec: string, force = false) =>
      t.request('PATCH', `${url}?fieldManager=${manager}${force ? '&force=true' : ''}`, {
        contentType: 'application/apply-patch+yaml',
        body: `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: ${spec}\n`,
      });
    await expect.poll(async () => (await apply('a', '{rules: [{id: r1, action: allow}], tags: [x]}')).status, { timeout: 5000 }).toBe(201);
    const b = await apply('b', '{rules: [{id: r2, action: deny}]}');
    expect(b.status).toBe(200);
    expect(((await b.json()) as { spec: { rules: { id: string }[] } }).spec.rules.map((r) => r.id)).toEqual(['r1', 'r2']);
    const atomic = await apply('b', '{rules: [{id: r2, action: deny}], tags: [y]}');
    expect(atomic.status).toBe(409);
    expect(((await atomic.json()) as { message: string }).message).toContain('conflict with "a": .spec.tags');
  });
});

describe('bad input stays a clean 4xx and changes nothing', () => {
  const url = `${base}/api/v1/namespaces/default/configmaps/bad`;
  it('refuses an apply without fieldManager, a non-object, managedFields in the config, duplicate keys, force on a merge patch', async () => {
    const noManager = await t.request('PATCH', url, { contentType: 'application/apply-patch+yaml', body: 'apiVersion: v1\nkind: ConfigMap\n' });
    expect(noManager.status).toBe(422);
    expect(((await noManager.json()) as { message: string }).message).toContain('fieldManager: Required value: is required for apply patch');
    const list = await t.request('PATCH', `${url}?fieldManager=x`, { contentType: 'application/apply-patch+yaml', body: '- a\n- b\n' });
    expect(list.status).toBe(400);
    const withManaged = await t.request('PATCH', `${url}?fieldManager=x`, {
      contentType: 'application/apply-patch+yaml',
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, managedFields: [{manager: x}]}\n',
    });
    expect(withManaged.status).toBe(400);
    expect(((await withManaged.json()) as { message: string }).message).toBe('metadata.managedFields must be nil');
    const wrongVersion = await t.request('PATCH', `${url}?fieldManager=x`, {
      contentType: 'application/apply-patch+yaml',
      body: 'apiVersion: v2\nkind: ConfigMap\n',
    });
    expect(wrongVersion.status).toBe(400);
    expect(((await wrongVersion.json()) as { message: string }).message).toContain('Incorrect version specified in apply patch');
    const dup = await t.request('PATCH', `${base}/api/v1/namespaces/default/pods/dup?fieldManager=x`, {
      contentType: 'application/apply-patch+yaml',
      body: 'apiVersion: v1\nkind: Pod\nmetadata: {name: dup}\nspec:\n  containers:\n  - {name: a, image: a}\n  - {name: a, image: b}\n',
    });
    expect(dup.status).toBe(400);
    expect(((await dup.json()) as { message: string }).message).toContain('duplicate entries for key');
    expect((await t.request('GET', url)).status).toBe(404);
    expect((await t.request('GET', `${base}/api/v1/namespaces/default/pods/dup`)).status).toBe(404);

    await t.request('POST', `${base}/api/v1/namespaces/default/configmaps`, { body: { metadata: { name: 'bad' }, data: { a: '1' } } });
    const forcedMerge = await t.request('PATCH', `${url}?force=true`, { contentType: 'application/merge-patch+json', body: { data: { a: '2' } } });
    expect(forcedMerge.status).toBe(422);
    expect(((await forcedMerge.json()) as { message: string }).message).toContain('force: Forbidden: may not be specified for non-apply patch');
    expect(((await (await t.request('GET', url)).json()) as Obj).data?.a).toBe('1');
  });
});
