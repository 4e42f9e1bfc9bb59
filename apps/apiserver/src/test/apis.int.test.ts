/**
 * API sharing (kcp's apis.kcp.io): an APIExport bound in two workspaces
 * serves there and in no third, stored per export identity; default
 * APIBindings of a WorkspaceType; `bind` permission; naming conflicts.
 */
import { type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { startTestServer, type TestServer, widgetCrd } from './harness.js';

let t: TestServer;

// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
type Json = any;
const json = async (res: Response): Promise<Json> => (await res.json()) as Json;

async function workspace(name: string, type?: string): Promise<void> {
  const res = await t.request('POST', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', {
    body: { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name }, ...(type ? { spec: { type: { name: type, path: 'root' } } } : {}) },
  });
  expect(res.status).toBe(201);
  const deadline = Date.now() + 5000;
  for (;;) {
    const ws = await json(await t.request('GET', `/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/${name}`));
    if (ws.status?.phase === 'Ready') return;
    if (Date.now() > deadline) throw new Error(`workspace ${name} not Ready`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function binding(cluster: string, name = 'widgets'): Promise<Json> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const b = await json(await t.request('GET', `/clusters/${cluster}/apis/apis.kcp.io/v1alpha1/apibindings/${name}`));
    // Bound, or a condition saying why not.
    if (b.status?.phase === 'Bound' || b.status?.conditions?.length || Date.now() > deadline) return b;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const bind = (cluster: string, token?: string) =>
  t.request('POST', `/clusters/${cluster}/apis/apis.kcp.io/v1alpha1/apibindings`, {
    ...(token ? { token } : {}),
    body: {
      apiVersion: 'apis.kcp.io/v1alpha1',
      kind: 'APIBinding',
      metadata: { name: 'widgets' },
      spec: { reference: { export: { path: 'root:provider', name: 'widgets' } } },
    },
  });

const widgetSchema = {
  apiVersion: 'apis.kcp.io/v1alpha1',
  kind: 'APIResourceSchema',
  metadata: { name: 'v1.widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1 } } } } },
      },
    ],
  },
};

beforeAll(async () => {
  t = await startTestServer();
  for (const name of ['provider', 'c1', 'c2', 'c3']) await workspace(name);
  expect((await t.request('POST', '/clusters/root:provider/apis/apis.kcp.io/v1alpha1/apiresourceschemas', { body: widgetSchema })).status).toBe(201);
  const exported = await t.request('POST', '/clusters/root:provider/apis/apis.kcp.io/v1alpha1/apiexports', {
    body: { apiVersion: 'apis.kcp.io/v1alpha1', kind: 'APIExport', metadata: { name: 'widgets' }, spec: { latestResourceSchemas: ['v1.widgets.example.com'] } },
  });
  expect(exported.status).toBe(201);
});
afterAll(async () => t?.stop());

describe('APIExport and APIBinding', () => {
  it('an export bound in two workspaces serves in both, apart per cluster, and in no third', async () => {
    const identity = (await json(await t.request('GET', '/clusters/root:provider/apis/apis.kcp.io/v1alpha1/apiexports/widgets'))).status.identityHash;
    expect(identity).toMatch(/^[0-9a-f]{64}$/);
    for (const c of ['root:c1', 'root:c2']) {
      expect((await bind(c)).status).toBe(201);
      const b = await binding(c);
      expect(b.status.phase).toBe('Bound');
      expect(b.status.boundResources).toEqual([
        {
          group: 'example.com',
          resource: 'widgets',
          schema: { name: 'v1.widgets.example.com', UID: expect.any(String), identityHash: identity },
          storageVersions: ['v1'],
        },
      ]);
      const objects = KubernetesObjectApi.makeApiClient(t.kubeConfig(c));
      await objects.create({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: `w-${c.slice(5)}`, namespace: 'default' },
        spec: { size: 1 },
      } as KubernetesObject);
      const listed = await objects.list('example.com/v1', 'Widget', 'default');
      expect(listed.items.map((w) => w.metadata?.name)).toEqual([`w-${c.slice(5)}`]);
    }
    expect((await t.request('GET', '/clusters/root:c3/apis/example.com/v1')).status).toBe(404);
    expect((await json(await t.request('GET', '/clusters/root:c3/apis'))).groups.map((g: { name: string }) => g.name)).not.toContain('example.com');
    expect((await t.request('GET', '/clusters/root:provider/apis/example.com/v1')).status).toBe(404);
    // Schema validation applies to bound resources.
    const bad = await t.request('POST', '/clusters/root:c1/apis/example.com/v1/namespaces/default/widgets', {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec: { size: 0 } },
    });
    expect(bad.status).toBe(422);
    // The export's view lists its objects across every binding, for system identities only.
    const viewPath = '/services/apiexport/root:provider/widgets/clusters/*/apis/example.com/v1/widgets';
    const view = await json(await t.request('GET', viewPath));
    expect(view.items.map((w: Json) => w.metadata.name).sort()).toEqual(['w-c1', 'w-c2']);
    const c1Name = (await t.server.clusters.resolve('root:c1'))!.name;
    expect(view.items.find((w: Json) => w.metadata.name === 'w-c1').metadata.annotations['kcp.io/cluster']).toBe(c1Name);
    expect((await t.request('GET', '/services/apiexport/root:provider/widgets/clusters/*/apis')).status).toBe(200);
    expect((await t.request('GET', '/services/apiexport/root:provider/nope/clusters/*/apis/example.com/v1/widgets')).status).toBe(404);
    const user = await createToken(t.server.pool, { username: 'carol', clusters: ['root:c1'] });
    expect((await t.request('GET', viewPath, { token: user })).status).toBe(403);
    // Stored under the export's identity.
    const { rows } = await t.server.pool.query<{ resource: string }>('select distinct resource from apiserver.objects where resource like $1', [
      'widgets.example.com%',
    ]);
    expect(rows.map((r) => r.resource)).toEqual([`widgets.example.com@${identity}`]);
  });

  it('a CRD of the same resource is stored apart, and a binding that collides with it does not bind', async () => {
    const crd = widgetCrd({ version: { schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } });
    expect((await t.request('POST', '/clusters/root:c3/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd })).status).toBe(201);
    expect((await bind('root:c3')).status).toBe(201);
    const b = await binding('root:c3');
    expect(b.status.phase).toBe('Binding');
    expect(b.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'NamingConflict' });
    const list = await json(await t.request('GET', '/clusters/root:c3/apis/example.com/v1/namespaces/default/widgets'));
    expect(list.items).toEqual([]);
  });

  it('binding needs "bind" on the export for non-admin users', async () => {
    await workspace('c4');
    const bob = await createToken(t.server.pool, { username: 'bob', clusters: ['root:c4'] });
    await t.request('POST', '/clusters/root:c4/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'bob-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
      },
    });
    const denied = await bind('root:c4', bob);
    expect(denied.status).toBe(403);
    expect((await json(denied)).message).toMatch(/cannot bind apiexports "widgets" in workspace root:provider/);
    for (const [kind, body] of [
      [
        'clusterroles',
        { metadata: { name: 'bind-widgets' }, rules: [{ apiGroups: ['apis.kcp.io'], resources: ['apiexports'], resourceNames: ['widgets'], verbs: ['bind'] }] },
      ],
      [
        'clusterrolebindings',
        {
          metadata: { name: 'bob-binds' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'bind-widgets' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
        },
      ],
    ] as const) {
      await t.request('POST', `/clusters/root:provider/apis/rbac.authorization.k8s.io/v1/${kind}`, {
        body: { apiVersion: 'rbac.authorization.k8s.io/v1', ...body },
      });
    }
    await expect.poll(async () => (await bind('root:c4', bob)).status, { timeout: 3000 }).toBe(201);
    expect((await binding('root:c4')).status.phase).toBe('Bound');
  });

  it("a WorkspaceType's defaultAPIBindings are bound before the workspace is Ready", async () => {
    const type = await t.request('POST', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspacetypes', {
      body: {
        apiVersion: 'tenancy.kcp.io/v1alpha1',
        kind: 'WorkspaceType',
        metadata: { name: 'with-widgets' },
        spec: { defaultAPIBindings: [{ path: 'root:provider', export: 'widgets' }] },
      },
    });
    expect(type.status).toBe(201);
    await workspace('d1', 'with-widgets');
    const b = await json(await t.request('GET', '/clusters/root:d1/apis/apis.kcp.io/v1alpha1/apibindings/widgets'));
    expect(b.status.phase).toBe('Bound');
    expect((await t.request('GET', '/clusters/root:d1/apis/example.com/v1/namespaces/default/widgets')).status).toBe(200);
  });
});
