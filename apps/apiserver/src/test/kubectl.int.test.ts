import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let dir: string;
let admin: string;
let viewer: string;

const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        env:
        - name: MODE
          value: fast
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - port: 80
`;

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create('root:k');
  await t.server.clusters.create('root:k:dev', { owner: 'owner' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-kubectl-test-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: ['root:k:dev'] }));
  const token = await createToken(t.server.pool, { username: 'viewer', clusters: ['root:k:dev'] });
  viewer = path.join(dir, 'viewer.kubeconfig');
  fs.writeFileSync(viewer, adminKubeconfig(t.server.httpsUrl!, token, { caPem: t.server.caPem!, paths: ['root:k:dev'] }));
  fs.writeFileSync(path.join(dir, 'manifest.yaml'), manifest);
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('real kubectl v1.35', () => {
  it('api-resources lists the served kinds from discovery', async () => {
    const r = await kubectl(admin, ['api-resources']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(r.stdout).toMatch(/namespaces\s+ns\s+v1\s+false\s+Namespace/);
  });

  it('explain prints Kubernetes field documentation from the served OpenAPI v3, for built-in kinds and CRDs', async () => {
    const replicas = await kubectl(admin, ['explain', 'deployment.spec.replicas']);
    expect(replicas.code, replicas.stderr).toBe(0);
    expect(replicas.stdout).toMatch(/FIELD: replicas <integer>/);
    expect(replicas.stdout).toContain('Number of desired pods.');
    const containers = await kubectl(admin, ['explain', 'pods.spec.containers']);
    expect(containers.stdout).toMatch(/FIELD: containers <\[\]Container>/);
    expect(containers.stdout).toMatch(/image\s+<string>/);
    const recursive = await kubectl(admin, ['explain', 'service', '--recursive']);
    expect(recursive.stdout).toMatch(/ports\s+<\[\]ServicePort>/);
    expect(recursive.stdout).toMatch(/labels\s+<map\[string\]string>/);
  });

  it('applies a multi-document manifest with validation, idempotently, then configures a change', async () => {
    const first = await kubectl(admin, ['apply', '-f', path.join(dir, 'manifest.yaml')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('deployment.apps/web created');
    const again = await kubectl(admin, ['apply', '-f', path.join(dir, 'manifest.yaml')]);
    expect(again.stdout).toContain('deployment.apps/web unchanged');
    fs.writeFileSync(path.join(dir, 'changed.yaml'), manifest.replace('nginx:1.27', 'nginx:1.28'));
    const changed = await kubectl(admin, ['apply', '-f', path.join(dir, 'changed.yaml')]);
    expect(changed.stdout).toContain('deployment.apps/web configured');
    const image = await kubectl(admin, [
      '-n',
      'shop',
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}',
    ]);
    expect(image.stdout).toBe('nginx:1.28 2');
  });

  it('get prints table columns, get -o json prints the object, describe works', async () => {
    const table = await kubectl(admin, ['-n', 'shop', 'get', 'deploy,svc,cm']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(table.stdout).toMatch(/service\/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP/);
    expect(table.stdout).toMatch(/configmap\/settings\s+1\s+/);
    const json = JSON.parse((await kubectl(admin, ['-n', 'shop', 'get', 'cm', 'settings', '-o', 'json'])).stdout);
    expect(json).toMatchObject({ kind: 'ConfigMap', data: { color: 'blue' }, metadata: { name: 'settings', namespace: 'shop' } });
    const described = await kubectl(admin, ['-n', 'shop', 'describe', 'deployment', 'web']);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/Replicas:\s+2 desired/);
    expect(described.stdout).toMatch(/MODE:\s+fast/);
  });

  it('patches like kubectl edit does, and scales', async () => {
    const patched = await kubectl(admin, ['-n', 'shop', 'patch', 'configmap', 'settings', '-p', '{"data":{"size":"xl"}}']);
    expect(patched.code, patched.stderr).toBe(0);
    const scaled = await kubectl(admin, ['-n', 'shop', 'scale', 'deployment', 'web', '--replicas=4']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const out = await kubectl(admin, [
      '-n',
      'shop',
      'get',
      'configmap/settings',
      'deployment/web',
      '-o',
      'jsonpath={.items[0].data.size} {.items[1].spec.replicas}',
    ]);
    expect(out.stdout).toBe('xl 4');
  });

  it('--dry-run=server validates and admits without writing', async () => {
    const dry = await kubectl(admin, ['-n', 'shop', 'create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server', '-o', 'name']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.trim()).toBe('configmap/dry');
    expect((await kubectl(admin, ['-n', 'shop', 'get', 'cm', 'dry'])).code).not.toBe(0);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: shop\n');
    const bad = await kubectl(admin, ['apply', '--dry-run=server', '-f', path.join(dir, 'bad.yaml')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('is invalid');
  });

  it('deletes and waits for deletion', async () => {
    await kubectl(admin, ['-n', 'shop', 'create', 'configmap', 'doomed', '--from-literal=a=b']);
    const waiter = kubectl(admin, ['-n', 'shop', 'wait', '--for=delete', 'configmap/doomed', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 300));
    const deleted = await kubectl(admin, ['-n', 'shop', 'delete', 'configmap', 'doomed']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('configmap "doomed" deleted');
    const waited = await waiter;
    expect(waited.code, waited.stderr).toBe(0);
    const ns = await kubectl(admin, ['delete', 'namespace', 'shop', '--timeout=20s']);
    expect(ns.code, ns.stderr).toBe(0);
    expect((await kubectl(admin, ['get', 'ns', 'shop'])).code).not.toBe(0);
  });

  it('`delete -f` of a manifest that lists its Namespace first deletes everything, and `wait --for=delete` sees the namespace go', async () => {
    const file = path.join(dir, 'manifest.yaml');
    const applied = await kubectl(admin, ['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    const deleted = await kubectl(admin, ['delete', '-f', file]);
    // The Namespace goes Terminating and keeps its contents until the namespace controller empties it,
    // so the Deployment, ConfigMap and Service after it in the file are deleted by kubectl itself.
    expect(deleted.code, deleted.stderr).toBe(0);
    for (const what of ['namespace "shop" deleted', 'configmap "settings" deleted', 'deployment.apps "web" deleted', 'service "web" deleted']) {
      expect(deleted.stdout).toContain(what);
    }
    const waited = await kubectl(admin, ['wait', '--for=delete', 'namespace/shop', '--timeout=20s']);
    expect(waited.code, waited.stderr).toBe(0);
    expect((await kubectl(admin, ['get', 'ns', 'shop'])).stderr).toContain('NotFound');
  });

  it('creates a Workspace and waits for it, applies a CRD and a custom resource, and prints their tables', async () => {
    const ws = 'apiVersion: tenancy.kcp.io/v1alpha1\nkind: Workspace\nmetadata:\n  name: team\n';
    fs.writeFileSync(path.join(dir, 'ws.yaml'), ws);
    const created = await kubectl(admin, ['apply', '-f', path.join(dir, 'ws.yaml')]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('workspace.tenancy.kcp.io/team created');
    const waited = await kubectl(admin, ['wait', '--for=jsonpath={.status.phase}=Ready', 'workspace/team', '--timeout=10s']);
    expect(waited.code, waited.stderr).toBe(0);
    const table = await kubectl(admin, ['get', 'ws']);
    expect(table.stdout).toMatch(/NAME\s+TYPE\s+PHASE\s+URL\s+AGE/);
    expect(table.stdout).toMatch(/team\s+universal\s+Ready\s+https:\/\/\S+\/clusters\/root:k:dev:team/);
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns: [{name: Size, type: integer, jsonPath: .spec.size}]
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer, maximum: 5}}}
---
apiVersion: example.com/v1
kind: Gizmo
metadata: {name: g1, namespace: default}
spec: {size: 3}
`;
    fs.writeFileSync(path.join(dir, 'crd.yaml'), crd);
    // kubectl may map the new kind from a discovery cache taken before the CRD existed; a second apply sees it (as with kube-apiserver).
    let applied = await kubectl(admin, ['apply', '-f', path.join(dir, 'crd.yaml')]);
    if (applied.code !== 0) applied = await kubectl(admin, ['apply', '-f', path.join(dir, 'crd.yaml')]);
    expect(applied.code, applied.stderr).toBe(0);
    const gizmos = await kubectl(admin, ['get', 'gizmos']);
    expect(gizmos.stdout).toMatch(/g1\s+3\s+/);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), crd.split('---\n')[1]!.replace('size: 3', 'size: 9').replace('g1', 'g2'));
    const bad = await kubectl(admin, ['apply', '-f', path.join(dir, 'bad.yaml')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/spec\.size/);
    // explain reads the CRD's own schema (metadata as ObjectMeta).
    const explained = await kubectl(admin, ['explain', 'gizmos.spec.size']);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toMatch(/KIND:\s+Gizmo/);
    expect(explained.stdout).toMatch(/FIELD: size <integer>/);
    expect((await kubectl(admin, ['explain', 'gizmos.metadata.labels'])).stdout).toMatch(/labels <map\[string\]string>/);
  });

  it('auth can-i answers from RBAC for user tokens', async () => {
    expect((await kubectl(admin, ['auth', 'can-i', 'create', 'pods'])).stdout.trim()).toBe('yes');
    const before = await kubectl(viewer, ['auth', 'can-i', 'list', 'pods', '-n', 'default']);
    expect(before.stdout.trim()).toBe('no');
    const bound = await kubectl(admin, ['-n', 'default', 'create', 'rolebinding', 'viewer-view', '--clusterrole=view', '--user=viewer']);
    expect(bound.code, bound.stderr).toBe(0);
    const role = await kubectl(admin, ['-n', 'default', 'create', 'role', 'cm-reader', '--verb=get,list', '--resource=configmaps']);
    expect(role.code, role.stderr).toBe(0);
    await expect.poll(async () => (await kubectl(viewer, ['auth', 'can-i', 'list', 'pods', '-n', 'default'])).stdout.trim(), { timeout: 5000 }).toBe('yes');
    expect((await kubectl(viewer, ['auth', 'can-i', 'delete', 'pods', '-n', 'default'])).stdout.trim()).toBe('no');
    const denied = await kubectl(viewer, ['-n', 'default', 'create', 'configmap', 'x']);
    expect(denied.stderr).toContain('forbidden');
  });
});
