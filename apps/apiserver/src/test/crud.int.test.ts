import { ApiException, AppsV1Api, CoreV1Api, type KubernetesObject, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, widgetCrd } from './harness.js';

let t: TestServer;
let objects: KubernetesObjectApi;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  t = await startTestServer();
  await t.server.clusters.create('root:acme');
  await t.server.clusters.create('root:acme:dev');
  const kc = t.kubeConfig('root:acme:dev');
  objects = KubernetesObjectApi.makeApiClient(kc);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});
afterAll(async () => t?.stop());

async function failure(p: Promise<unknown>): Promise<{ code: number; status: { reason?: string; message?: string; kind?: string } }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, status: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
    throw e;
  }
  throw new Error('expected the request to fail');
}

const podSpec = { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] };
const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };
const samples: KubernetesObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { a: 'b' } } as KubernetesObject,
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, stringData: { a: 'b' } } as KubernetesObject,
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' } },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', namespace: 'default' },
    spec: { ports: [{ port: 80 }], selector: { app: 'x' } },
  } as KubernetesObject,
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod', namespace: 'default' }, spec: podSpec } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'ev', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'pod', namespace: 'default' },
    reason: 'Test',
    message: 'hello',
  } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'pvc', namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  } as KubernetesObject,
  { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'rq', namespace: 'default' }, spec: { hard: { 'count/widgets': '100' } } } as KubernetesObject,
  {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'lr', namespace: 'default' },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'dep', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'x' } }, template },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'x' } }, template },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'sts', namespace: 'default' },
    spec: { serviceName: 'svc', selector: { matchLabels: { app: 'x' } }, template },
  } as KubernetesObject,
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'ds', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'x' } }, template },
  } as KubernetesObject,
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'job', namespace: 'default' },
    spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } },
  } as KubernetesObject,
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'cj', namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } } },
  } as KubernetesObject,
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'ing', namespace: 'default' },
    spec: {
      rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 80 } } } }] } }],
    },
  } as KubernetesObject,
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'default' }, spec: { podSelector: {} } } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'role', namespace: 'default' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'rb', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'role' },
    subjects: [{ kind: 'User', name: 'alice' }],
  } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:reader' },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }],
  } as KubernetesObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'crb' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:reader' },
    subjects: [{ kind: 'Group', name: 'readers' }],
  } as KubernetesObject,
  widgetCrd({ names: { singular: 'widget', listKind: 'WidgetList' } }) as KubernetesObject,
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'extra' } },
];

describe('CRUD of every core kind with client-node', () => {
  it.each(samples.map((s) => [`${s.apiVersion} ${s.kind}`, s] as const))('%s: create, get, list, update, patch, delete', async (_, sample) => {
    const created = await objects.create(structuredClone(sample));
    const meta = created.metadata!;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(meta.resourceVersion)).toBeGreaterThan(0);
    expect(meta.generation).toBe(1);
    expect(Date.parse(String(meta.creationTimestamp))).toBeGreaterThan(Date.now() - 60_000);
    expect(meta.namespace).toBe(sample.metadata?.namespace);
    expect(meta.annotations?.['kcp.io/cluster']).toBeTruthy();

    const read = await objects.read({ apiVersion: sample.apiVersion!, kind: sample.kind!, metadata: { name: meta.name!, namespace: meta.namespace! } });
    expect(read.metadata?.uid).toBe(meta.uid);

    const listed = await objects.list(sample.apiVersion!, sample.kind!, meta.namespace);
    expect(listed.items.map((i) => i.metadata?.name)).toContain(meta.name);

    const replaced = await objects.replace({ ...read, metadata: { ...read.metadata, labels: { tier: 'one' } } });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(meta.resourceVersion));
    expect(replaced.metadata?.labels).toEqual({ tier: 'one' });
    expect(replaced.metadata?.generation).toBe(1);

    const patched = await objects.patch(
      { apiVersion: sample.apiVersion!, kind: sample.kind!, metadata: { name: meta.name!, namespace: meta.namespace!, labels: { tier: 'two' } } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(patched.metadata?.labels).toEqual({ tier: 'two' });

    await objects.delete({ apiVersion: sample.apiVersion!, kind: sample.kind!, metadata: { name: meta.name!, namespace: meta.namespace! } });
    if (sample.kind === 'Namespace') return;
    const gone = await failure(
      objects.read({ apiVersion: sample.apiVersion!, kind: sample.kind!, metadata: { name: meta.name!, namespace: meta.namespace! } }),
    );
    expect(gone.code).toBe(404);
    expect(gone.status.reason).toBe('NotFound');
  });
});

describe('metadata and errors', () => {
  it('has a default namespace in every new logical cluster', async () => {
    const ns = await core.readNamespace({ name: 'default' });
    expect(ns.status?.phase).toBe('Active');
  });

  it('generateName creates distinct names', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'gen-' } } });
    const b = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'gen-' } } });
    expect(a.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(a.metadata?.name).not.toBe(b.metadata?.name);
  });

  it('answers 409 AlreadyExists, 409 Conflict on a stale resourceVersion, 404, 422, 400', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' }, data: { v: '1' } } });
    const exists = await failure(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }));
    expect([exists.code, exists.status.reason, exists.status.kind]).toEqual([409, 'AlreadyExists', 'Status']);

    await core.replaceNamespacedConfigMap({ name: 'dup', namespace: 'default', body: { ...cm, data: { v: '2' } } });
    const stale = await failure(core.replaceNamespacedConfigMap({ name: 'dup', namespace: 'default', body: { ...cm, data: { v: '3' } } }));
    expect([stale.code, stale.status.reason]).toEqual([409, 'Conflict']);
    expect((await core.readNamespacedConfigMap({ name: 'dup', namespace: 'default' })).data).toEqual({ v: '2' });

    const missing = await failure(core.readNamespacedConfigMap({ name: 'nope', namespace: 'default' }));
    expect([missing.code, missing.status.reason]).toEqual([404, 'NotFound']);

    const badName = await failure(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }));
    expect([badName.code, badName.status.reason]).toEqual([422, 'Invalid']);
    const badLabel = await failure(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'ok', labels: { 'a b': 'c' } } } }));
    expect(badLabel.code).toBe(422);
    const badType = await failure(
      apps.createNamespacedDeployment({ namespace: 'default', body: { metadata: { name: 'd' }, spec: { replicas: 'x' } } as never }),
    );
    expect(badType.code).toBe(422);

    const wrongNs = await t.request('POST', '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' } },
    });
    expect(wrongNs.status).toBe(400);
    const wrongKind = await t.request('POST', '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
    });
    expect(wrongKind.status).toBe(400);
    const noNamespace = await t.request('POST', '/clusters/root:acme:dev/api/v1/namespaces/ghost/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    });
    expect(noNamespace.status).toBe(404);
  });

  it('never answers 500 for bad input, and writes nothing', async () => {
    const base = '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps';
    const before = await t.server.store.currentRv();
    const cases: [string, string, string | undefined, number][] = [
      ['POST', base, '{not json', 400],
      ['POST', base, '[]', 400],
      ['POST', base, '"string"', 400],
      ['POST', base, JSON.stringify({ metadata: 'x' }), 400],
      ['POST', base, JSON.stringify({ metadata: { name: 5 } }), 400],
      ['POST', base, JSON.stringify({ metadata: {} }), 422],
      ['POST', '/clusters/root:acme:dev/api/v1/namespaces/default/widgets', '{}', 404],
      ['POST', '/clusters/root:acme:dev/apis/nope.io/v1/things', '{}', 404],
      ['PATCH', `${base}/nothing`, '{}', 404],
      ['GET', `${base}?labelSelector=${encodeURIComponent('a in (')}`, undefined, 400],
      ['GET', `${base}?limit=abc`, undefined, 400],
      ['GET', `${base}?continue=garbage`, undefined, 400],
      ['GET', '/clusters/root:acme:dev/nothing/here', undefined, 404],
      ['GET', '/clusters/root:acme:missing/api/v1/namespaces', undefined, 404],
    ];
    for (const [method, path, body, code] of cases) {
      const res = await t.request(
        method,
        path,
        body === undefined ? {} : { body, contentType: method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
      );
      const status = (await res.json()) as { kind: string; code: number };
      expect([method, path, res.status, status.kind]).toEqual([method, path, code, 'Status']);
    }
    const yaml = await t.request('POST', base, { body: 'metadata: [unclosed', contentType: 'application/yaml' });
    expect(yaml.status).toBe(400);
    const ok = await t.request('POST', base, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n', contentType: 'application/yaml' });
    expect(ok.status).toBe(201);
    expect(await t.server.store.currentRv()).toBe(before + 1);
  });

  it('rejects bodies over 3 MiB with 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024) } });
    const res = await t.request('POST', '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps', { body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { reason: string }).reason).toBe('RequestEntityTooLarge');
  });

  it('bumps generation on spec changes only, and keeps status out of the main resource', async () => {
    const dep = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'gen' }, spec: { selector: { matchLabels: { app: 'g' } }, template: { metadata: { labels: { app: 'g' } }, spec: podSpec } } },
    });
    expect(dep.metadata?.generation).toBe(1);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const labelled = await apps.patchNamespacedDeployment({ name: 'gen', namespace: 'default', body: { metadata: { labels: { x: 'y' } } } }, merge);
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.patchNamespacedDeployment(
      { name: 'gen', namespace: 'default', body: { spec: { replicas: 3 }, status: { replicas: 99 } } },
      merge,
    );
    expect(scaled.metadata?.generation).toBe(2);
    expect(scaled.status?.replicas).toBeUndefined();
    const status = await apps.replaceNamespacedDeploymentStatus({
      name: 'gen',
      namespace: 'default',
      body: { ...scaled, status: { replicas: 3, readyReplicas: 3 } },
    });
    expect(status.status?.readyReplicas).toBe(3);
    expect(status.metadata?.generation).toBe(2);
    const scale = await apps.readNamespacedDeploymentScale({ name: 'gen', namespace: 'default' });
    expect(scale.spec?.replicas).toBe(3);
    await apps.replaceNamespacedDeploymentScale({ name: 'gen', namespace: 'default', body: { ...scale, spec: { replicas: 5 } } });
    expect((await apps.readNamespacedDeployment({ name: 'gen', namespace: 'default' })).spec?.replicas).toBe(5);
  });
});

describe('patch types', () => {
  it('merges with JSON merge patch, JSON patch, strategic merge patch and server-side apply', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'patchy' },
        spec: {
          selector: { matchLabels: { app: 'p' } },
          template: {
            metadata: { labels: { app: 'p' } },
            spec: {
              containers: [
                { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] },
                { name: 'b', image: 'b:1' },
              ],
            },
          },
        },
      },
    });
    const target = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'patchy', namespace: 'default' } };
    // Strategic merge: containers merge by name, env by name, ports by containerPort.
    const smp = (await objects.patch(
      { ...target, spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2', env: [{ name: 'Y', value: '2' }] }] } } } } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.StrategicMergePatch,
    )) as KubernetesObject & { spec: { template: { spec: { containers: { name: string; image: string; env?: unknown[] }[] } } } };
    expect(smp.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['a=a:1', 'b=b:2']);
    expect(smp.spec.template.spec.containers[1]?.env).toEqual([{ name: 'Y', value: '2' }]);
    // client-node's serializer drops `$patch` directives, so send this one raw.
    const deleted = await t.request('PATCH', '/clusters/root:acme:dev/apis/apps/v1/namespaces/default/deployments/patchy', {
      body: { spec: { template: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(((await deleted.json()) as typeof smp).spec.template.spec.containers.map((c) => c.name)).toEqual(['a']);
    // Merge patch replaces lists.
    const merge = (await objects.patch(
      { ...target, spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    )) as typeof smp;
    expect(merge.spec.template.spec.containers.map((c) => c.name)).toEqual(['c']);
    // JSON patch, with a failing test operation → 422 and nothing changed.
    const json = await t.request('PATCH', '/clusters/root:acme:dev/apis/apps/v1/namespaces/default/deployments/patchy', {
      body: [{ op: 'replace', path: '/spec/replicas', value: 7 }],
      contentType: 'application/json-patch+json',
    });
    expect(json.status).toBe(200);
    expect(((await json.json()) as { spec: { replicas: number } }).spec.replicas).toBe(7);
    const failed = await t.request('PATCH', '/clusters/root:acme:dev/apis/apps/v1/namespaces/default/deployments/patchy', {
      body: [{ op: 'test', path: '/spec/replicas', value: 1 }],
      contentType: 'application/json-patch+json',
    });
    expect(failed.status).toBe(422);
    // Server-side apply creates, then updates.
    const applied = await t.request('PATCH', '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps/ssa?fieldManager=test', {
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n',
      contentType: 'application/apply-patch+yaml',
    });
    expect(applied.status).toBe(201);
    const reapplied = await t.request('PATCH', '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps/ssa?fieldManager=test', {
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  b: "2"\n',
      contentType: 'application/apply-patch+yaml',
    });
    // Real server-side apply: the applier stopped sending `a`, and nobody else owns it, so it is gone.
    const reappliedObject = (await reapplied.json()) as { data: Record<string, string>; metadata: { managedFields: { manager: string; operation: string }[] } };
    expect(reappliedObject.data).toEqual({ b: '2' });
    expect(reappliedObject.metadata.managedFields.map((e) => `${e.manager}/${e.operation}`)).toEqual(['test/Apply']);
  });
});

describe('deletion', () => {
  it('waits for finalizers, then removes the object when the last one goes', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fin', finalizers: ['example.com/keep'] } } });
    await core.deleteNamespacedConfigMap({ name: 'fin', namespace: 'default' });
    const pending = await core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' });
    expect(pending.metadata?.deletionTimestamp).toBeTruthy();
    await core.patchNamespacedConfigMap({ name: 'fin', namespace: 'default', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect((await failure(core.readNamespacedConfigMap({ name: 'fin', namespace: 'default' }))).code).toBe(404);
  });

  it('deleting a namespace deletes its contents, and creates in a terminating namespace are refused', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: `c${i}` } } });
    await core.createNamespacedSecret({ namespace: 'doomed', body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const terminating = await core.deleteNamespace({ name: 'doomed' });
    // As kube-apiserver: the answer is the namespace, Terminating, with its contents still there; the
    // namespace controller empties it after a grace period, off the request.
    expect((terminating as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
    expect((await core.readNamespace({ name: 'doomed' })).status?.phase).toBe('Terminating');
    expect((await core.listNamespacedConfigMap({ namespace: 'doomed' })).items).toHaveLength(5);
    const refused = await failure(core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }));
    expect(refused.code).toBe(403);
    expect(refused.status.message).toMatch(/because it is being terminated/);
    expect(JSON.stringify(refused.status)).toContain('NamespaceTerminating');
    await expect.poll(async () => (await core.listNamespacedConfigMap({ namespace: 'doomed' })).items.length, { timeout: 5000 }).toBe(0);
    expect((await core.readNamespace({ name: 'doomed' })).status?.phase).toBe('Terminating');
    await core.patchNamespacedSecret({ name: 'held', namespace: 'doomed', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await expect.poll(async () => (await failure(core.readNamespace({ name: 'doomed' }))).code, { timeout: 5000 }).toBe(404);
    expect((await failure(core.deleteNamespace({ name: 'default' }))).code).toBe(403);
  });

  it('garbage-collects dependents by ownerReferences (background) and orphans on request', async () => {
    const owner = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'owner' } } });
    const ref = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }];
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'child', ownerReferences: ref } } });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: 'default', propagationPolicy: 'Background' });
    await expect.poll(async () => (await failure(core.readNamespacedConfigMap({ name: 'child', namespace: 'default' }))).code, { timeout: 5000 }).toBe(404);

    const owner2 = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'owner2' } } });
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'child2', ownerReferences: [{ ...ref[0]!, name: 'owner2', uid: owner2.metadata!.uid! }] } },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner2', namespace: 'default', propagationPolicy: 'Orphan' });
    expect((await core.readNamespacedConfigMap({ name: 'child2', namespace: 'default' })).metadata?.ownerReferences).toBeUndefined();
  });

  it('deletes a collection by label selector', async () => {
    for (const [name, tier] of [
      ['dc1', 'x'],
      ['dc2', 'x'],
      ['dc3', 'y'],
    ]) {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels: { tier: tier! } } } });
    }
    await core.deleteCollectionNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier=x' });
    const left = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['dc3']);
  });

  it('dryRun=All runs admission and validation but writes nothing', async () => {
    const before = await t.server.store.currentRv();
    const dry = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dry' } }, dryRun: 'All' });
    expect(dry.metadata?.uid).toBeTruthy();
    const invalid = await failure(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'NO' } }, dryRun: 'All' }));
    expect(invalid.code).toBe(422);
    expect(await t.server.store.currentRv()).toBe(before);
    expect((await failure(core.readNamespacedConfigMap({ name: 'dry', namespace: 'default' }))).code).toBe(404);
  });
});

describe('list', () => {
  it('filters by label selectors (=, !=, in, notin, exists, !exists) and field selectors', async () => {
    await core.createNamespace({ body: { metadata: { name: 'sel' } } });
    const labels: Record<string, Record<string, string>> = { s1: { env: 'prod', team: 'a' }, s2: { env: 'dev', team: 'b' }, s3: { env: 'test' }, s4: {} };
    for (const [name, l] of Object.entries(labels)) await core.createNamespacedConfigMap({ namespace: 'sel', body: { metadata: { name, labels: l } } });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (
        await core.listNamespacedConfigMap({ namespace: 'sel', ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) })
      ).items.map((i) => i.metadata?.name);
    expect(await names('env=prod')).toEqual(['s1']);
    expect(await names('env!=prod')).toEqual(['s2', 's3', 's4']);
    expect(await names('env in (dev,test)')).toEqual(['s2', 's3']);
    expect(await names('env notin (dev,test)')).toEqual(['s1', 's4']);
    expect(await names('team')).toEqual(['s1', 's2']);
    expect(await names('!team')).toEqual(['s3', 's4']);
    expect(await names('env=prod,team=a')).toEqual(['s1']);
    expect(await names(undefined, 'metadata.name=s2')).toEqual(['s2']);
    expect(await names(undefined, 'metadata.name!=s2')).toEqual(['s1', 's3', 's4']);
    const all = await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=sel' });
    expect(all.items).toHaveLength(4);
  });

  it('pages 400 objects with limit 17 at one consistent resourceVersion', async () => {
    await core.createNamespace({ body: { metadata: { name: 'paging' } } });
    const created: string[] = [];
    for (let batch = 0; batch < 400; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const name = `p-${String(batch + i).padStart(3, '0')}`;
          await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name } } });
          created.push(name);
        }),
      );
    }
    const seen: string[] = [];
    let continueToken: string | undefined;
    let listRv: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 17, ...(continueToken ? { _continue: continueToken } : {}) });
      pages++;
      listRv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(listRv);
      seen.push(...page.items.map((i) => i.metadata!.name!));
      if (page.metadata?._continue) {
        expect(page.items).toHaveLength(17);
        expect(page.metadata.remainingItemCount).toBe(400 - seen.length);
      }
      if (pages === 1) {
        // Writes after the first page must not show up in later pages.
        await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: 'p-zzz-late' } } });
        await core.deleteNamespacedConfigMap({ name: 'p-399', namespace: 'paging' });
      }
      continueToken = page.metadata?._continue;
    } while (continueToken);
    expect(pages).toBe(Math.ceil(400 / 17));
    expect(seen).toEqual([...created].sort());
  });
});

describe('concurrency', () => {
  it('50 writers x 200 stale updates: every rejection a 409, no lost update, increasing resourceVersions', async () => {
    const base = '/clusters/root:acme:dev/api/v1/namespaces/default/configmaps';
    await t.request('POST', base, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter' }, data: { n: '0' } } });
    const accepted: number[] = [];
    let conflicts = 0;
    const writer = async () => {
      for (let i = 0; i < 200; i++) {
        const current = (await (await t.request('GET', `${base}/counter`)).json()) as { metadata: { resourceVersion: string }; data: { n: string } };
        const next = { ...current, data: { n: String(Number(current.data.n) + 1) } };
        const res = await t.request('PUT', `${base}/counter`, { body: next });
        if (res.status === 200) accepted.push(Number(((await res.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion));
        else {
          expect(res.status).toBe(409);
          expect(((await res.json()) as { reason: string }).reason).toBe('Conflict');
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, writer));
    expect(accepted.length + conflicts).toBe(50 * 200);
    const final = (await (await t.request('GET', `${base}/counter`)).json()) as { data: { n: string } };
    // Each accepted update incremented the value it read: none was lost.
    expect(Number(final.data.n)).toBe(accepted.length);
    const sorted = [...accepted].sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(sorted.length);
  }, 120_000);
});
