/**
 * Workspaces (kcp's tenancy API) on a real server: a tree built through each
 * child's spec.URL, types and their constraints, initializers, ownership,
 * subtree deletion with finalizers, and convergence after a restart.
 */
import { ApiException, type KubernetesObject, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { startApiServer } from '../server.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
const initialized: string[] = [];

beforeAll(async () => {
  t = await startTestServer({
    initializers: {
      // A server-side initializer: seeds every workspace of type root:seeded with a ConfigMap.
      'root:seeded': async (ctx) => {
        initialized.push(ctx.cluster.path);
        await ctx.ensureObject(
          { group: '', plural: 'configmaps', namespace: 'default' },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed' }, data: { from: 'initializer' } },
        );
      },
    },
  });
});
afterAll(async () => t?.stop());

type Workspace = KubernetesObject & {
  spec?: { type?: { name: string; path?: string }; cluster?: string; URL?: string };
  status?: { phase?: string; initializers?: string[] };
};

const WS = 'tenancy.kcp.io/v1alpha1';
const api = (pathOrUrl: string, token?: string) => KubernetesObjectApi.makeApiClient(t.kubeConfig(pathOrUrl, token));

function workspace(name: string, extra: Partial<Workspace> = {}): Workspace {
  return { apiVersion: WS, kind: 'Workspace', metadata: { name, labels: { team: 'x' } }, ...extra } as Workspace;
}

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      return { code: e.code, message: String(body?.message ?? '') };
    }
    throw e;
  }
  throw new Error('expected the request to fail');
}

async function waitForPhase(client: KubernetesObjectApi, name: string, phase = 'Ready', timeoutMs = 5000): Promise<Workspace> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ws = (await client.read({ apiVersion: WS, kind: 'Workspace', metadata: { name } })) as Workspace;
    if (ws.status?.phase === phase) return ws;
    if (Date.now() > deadline) throw new Error(`workspace ${name} stuck in ${ws.status?.phase}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function gone(client: KubernetesObjectApi, name: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = await client.read({ apiVersion: WS, kind: 'Workspace', metadata: { name } }).then(
      () => 200,
      (e: unknown) => (e instanceof ApiException ? e.code : 0),
    );
    if (code === 404) return;
    if (Date.now() > deadline) throw new Error(`workspace ${name} was not deleted`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('workspace tree', () => {
  it('creates three levels through each child spec.URL, each Ready quickly, with its LogicalCluster', async () => {
    let parent = api('root');
    let parentPath = 'root';
    for (const name of ['acme', 'payments', 'dev']) {
      const started = Date.now();
      const created = (await parent.create(workspace(name))) as Workspace;
      expect(created.status?.phase).toBe('Scheduling');
      expect(created.spec?.type).toEqual({ name: 'universal', path: 'root' });
      const ready = await waitForPhase(parent, name);
      expect(Date.now() - started).toBeLessThan(500);
      const path = `${parentPath}:${name}`;
      expect(ready.spec?.URL).toBe(`${t.server.httpsUrl}/clusters/${path}`);
      expect(ready.spec?.cluster).toBe((await t.server.clusters.resolve(path))?.name);
      expect(ready.metadata?.labels).toEqual({ team: 'x' });
      const child = api(ready.spec!.URL!);
      const lc = (await child.read({ apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: 'cluster' } })) as Workspace;
      expect(lc.metadata?.annotations?.['kcp.io/path']).toBe(path);
      expect(lc.status?.phase).toBe('Ready');
      // Served in every logical cluster, discovery included (KubernetesObjectApi relies on it).
      expect((await child.list(WS, 'Workspace')).items).toEqual([]);
      parent = child;
      parentPath = path;
    }
    await parent.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { a: 'b' } } as KubernetesObject);
    const listed = await api('root:acme').list(WS, 'Workspace');
    expect(listed.items.map((w) => w.metadata?.name)).toEqual(['payments']);
    // `kubectl get workspaces` columns (server-side table).
    const table = (await (
      await t.request('GET', '/clusters/root:acme/apis/tenancy.kcp.io/v1alpha1/workspaces', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })
    ).json()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Type', 'Phase', 'URL', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 4)).toEqual(['payments', 'universal', 'Ready', `${t.server.httpsUrl}/clusters/root:acme:payments`]);
  });

  it('rejects a duplicate name (409), a bad name (422), and LogicalCluster writes', async () => {
    const root = api('root');
    await root.create(workspace('dup'));
    expect((await failure(root.create(workspace('dup')))).code).toBe(409);
    expect((await failure(root.create(workspace('Not_A_Label')))).code).toBe(422);
    expect((await failure(root.create(workspace('a.b')))).code).toBe(422);
    expect((await failure(root.create(workspace('x', { spec: { type: { name: 'nope' } } } as Partial<Workspace>)))).message).toMatch(
      /workspace type nope does not exist/,
    );
    const lc = await failure(root.delete({ apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: 'cluster' } }));
    expect(lc.code).toBe(403);
    // spec.URL and spec.cluster are the server's.
    const ready = await waitForPhase(root, 'dup');
    const patched = (await root.patch(
      { apiVersion: WS, kind: 'Workspace', metadata: { name: 'dup' }, spec: { URL: 'https://evil', cluster: 'other' } } as Workspace,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    )) as Workspace;
    expect(patched.spec?.URL).toBe(ready.spec?.URL);
    expect(patched.spec?.cluster).toBe(ready.spec?.cluster);
  });

  it('makes the creator the owner: workspace-admin in the child, and needs "use" on a non-universal type', async () => {
    const root = api('root');
    await root.create(workspace('team'));
    await waitForPhase(root, 'team');
    const team = api('root:team');
    // alice may create Workspaces in root:team, nothing else.
    await team.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'ws-creator' },
      rules: [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspaces'], verbs: ['create', 'get', 'list'] }],
    } as KubernetesObject);
    await team.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'alice-ws-creator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ws-creator' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    } as KubernetesObject);
    await team.create({ apiVersion: WS, kind: 'WorkspaceType', metadata: { name: 'special' }, spec: {} } as KubernetesObject);
    const alice = await createToken(t.server.pool, { username: 'alice', clusters: ['root:team', 'root:team:mine', 'root:team:fancy'] });
    const asAlice = api('root:team', alice);
    const denied = await failure(asAlice.create(workspace('fancy', { spec: { type: { name: 'special' } } } as Partial<Workspace>)));
    expect(denied.code).toBe(403);
    expect(denied.message).toMatch(/cannot use workspacetypes "special"/);
    await asAlice.create(workspace('mine'));
    const mine = await waitForPhase(asAlice, 'mine');
    const inMine = api(mine.spec!.URL!, alice);
    const binding = (await inMine.read({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'workspace-admin' },
    })) as KubernetesObject & { subjects?: { name: string }[] };
    expect(binding.subjects?.map((s) => s.name)).toEqual(['alice']);
    await inMine.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', namespace: 'default' } } as KubernetesObject);
    // With "use" granted, the type is allowed.
    await team.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'use-special' },
      rules: [{ apiGroups: ['tenancy.kcp.io'], resources: ['workspacetypes'], resourceNames: ['special'], verbs: ['use'] }],
    } as KubernetesObject);
    await team.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'alice-use-special' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'use-special' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    } as KubernetesObject);
    await expect
      .poll(
        async () =>
          await asAlice.create(workspace('fancy', { spec: { type: { name: 'special' } } } as Partial<Workspace>)).then(
            () => 201,
            (e: unknown) => (e as ApiException<unknown>).code,
          ),
        { timeout: 3000 },
      )
      .toBe(201);
    expect((await waitForPhase(asAlice, 'fancy')).spec?.type).toEqual({ name: 'special', path: 'root:team' });
  });
});

describe('workspace types', () => {
  it('enforces limitAllowedChildren/Parents, defaults children, and follows extend.with', async () => {
    const root = api('root');
    const type = (name: string, spec: object) => root.create({ apiVersion: WS, kind: 'WorkspaceType', metadata: { name }, spec } as KubernetesObject);
    await type('base-team', {});
    await type('team-type', { extend: { with: [{ name: 'base-team', path: 'root' }] }, limitAllowedParents: { types: [{ name: 'org', path: 'root' }] } });
    await type('org', {
      limitAllowedChildren: { types: [{ name: 'base-team', path: 'root' }] },
      defaultChildWorkspaceType: { name: 'team-type', path: 'root' },
    });
    await type('leaf', { limitAllowedChildren: { none: true } });

    await root.create(workspace('o1', { spec: { type: { name: 'org' } } } as Partial<Workspace>));
    const o1 = await waitForPhase(root, 'o1');
    const inOrg = api(o1.spec!.URL!);
    const universal = await failure(inOrg.create(workspace('u', { spec: { type: { name: 'universal', path: 'root' } } } as Partial<Workspace>)));
    expect(universal.code).toBe(403);
    expect(universal.message).toMatch(/workspace type root:org of root:o1 only allows \[root:base-team\] child workspaces, not root:universal/);
    // No type given: the org's default child type, which extends the allowed base-team.
    await inOrg.create(workspace('t1'));
    expect((await waitForPhase(inOrg, 't1')).spec?.type).toEqual({ name: 'team-type', path: 'root' });
    const wrongParent = await failure(root.create(workspace('t2', { spec: { type: { name: 'team-type' } } } as Partial<Workspace>)));
    expect(wrongParent.code).toBe(403);
    expect(wrongParent.message).toMatch(/only allows \[root:org\] parent workspaces/);

    await root.create(workspace('l1', { spec: { type: { name: 'leaf' } } } as Partial<Workspace>));
    const l1 = await waitForPhase(root, 'l1');
    expect((await failure(api(l1.spec!.URL!).create(workspace('x')))).message).toMatch(/does not allow child workspaces/);
  });

  it('holds a Workspace in Initializing until every initializer is done (server hook and an external one)', async () => {
    const root = api('root');
    await root.create({ apiVersion: WS, kind: 'WorkspaceType', metadata: { name: 'seeded' }, spec: { initializer: true } } as KubernetesObject);
    await root.create({
      apiVersion: WS,
      kind: 'WorkspaceType',
      metadata: { name: 'gated' },
      spec: { initializer: true, extend: { with: [{ name: 'seeded', path: 'root' }] } },
    } as KubernetesObject);
    await root.create(workspace('s1', { spec: { type: { name: 'seeded' } } } as Partial<Workspace>));
    const s1 = await waitForPhase(root, 's1');
    expect(initialized).toContain('root:s1');
    const seed = (await api(s1.spec!.URL!).read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'seed', namespace: 'default' },
    })) as KubernetesObject & {
      data?: Record<string, string>;
    };
    expect(seed.data).toEqual({ from: 'initializer' });

    await root.create(workspace('g1', { spec: { type: { name: 'gated' } } } as Partial<Workspace>));
    const g1 = await waitForPhase(root, 'g1', 'Initializing');
    await expect
      .poll(async () => ((await root.read({ apiVersion: WS, kind: 'Workspace', metadata: { name: 'g1' } })) as Workspace).status?.initializers)
      .toEqual(['root:gated']);
    await new Promise((r) => setTimeout(r, 200));
    expect(((await root.read({ apiVersion: WS, kind: 'Workspace', metadata: { name: 'g1' } })) as Workspace).status?.phase).toBe('Initializing');
    // The external initializer (the worker, in Atrium) removes itself from the LogicalCluster.
    const statusPath = '/clusters/root:g1/apis/core.kcp.io/v1alpha1/logicalclusters/cluster/status';
    const added = await t.request('PATCH', statusPath, {
      body: { status: { initializers: ['root:gated', 'root:other'] } },
      contentType: 'application/merge-patch+json',
    });
    expect(added.status).toBe(422);
    expect(g1.spec?.URL).toContain('/clusters/root:g1');
    const res = await t.request('PATCH', statusPath, {
      body: { status: { initializers: [] } },
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(200);
    await waitForPhase(root, 'g1');
  });
});

describe('deletion', () => {
  it('deleting a parent removes the whole subtree, waiting for finalizers', async () => {
    const dev = api('root:acme:payments:dev');
    await dev.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] },
    } as KubernetesObject);
    const names = await Promise.all(['root:acme', 'root:acme:payments', 'root:acme:payments:dev'].map(async (p) => (await t.server.clusters.resolve(p))!.name));
    const root = api('root');
    await root.delete({ apiVersion: WS, kind: 'Workspace', metadata: { name: 'acme' } }, undefined, undefined, undefined, undefined, 'Foreground');
    await new Promise((r) => setTimeout(r, 300));
    const pending = (await root.read({ apiVersion: WS, kind: 'Workspace', metadata: { name: 'acme' } })) as Workspace;
    expect(pending.metadata?.deletionTimestamp).toBeDefined();
    const held = await dev.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'default' } });
    expect(held.metadata?.deletionTimestamp).toBeDefined();
    const lc = (await dev.read({ apiVersion: 'core.kcp.io/v1alpha1', kind: 'LogicalCluster', metadata: { name: 'cluster' } })) as Workspace;
    expect(lc.status?.phase).toBe('Terminating');
    await dev.patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'default', finalizers: null } } as unknown as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    await gone(root, 'acme');
    for (const p of ['root:acme', 'root:acme:payments', 'root:acme:payments:dev']) expect(await t.server.clusters.resolve(p)).toBeNull();
    const { rows } = await t.server.pool.query<{ n: string }>('select count(*) as n from apiserver.objects where cluster = any($1)', [names]);
    expect(Number(rows[0]?.n)).toBe(0);
    // The name is free again: a new Workspace gets a new logical cluster.
    await root.create(workspace('acme'));
    const again = await waitForPhase(root, 'acme');
    expect(names).not.toContain(again.spec?.cluster);
  });
});

describe('restart', () => {
  it('a Workspace created while no controller runs converges after a restart', async () => {
    await t.server.workspaces.stop();
    const root = api('root');
    await root.create(workspace('late'));
    await new Promise((r) => setTimeout(r, 200));
    expect(((await root.read({ apiVersion: WS, kind: 'Workspace', metadata: { name: 'late' } })) as Workspace).status?.phase).toBe('Scheduling');
    const second = await startApiServer({
      databaseUrl: t.database.url,
      adminToken: ADMIN_TOKEN,
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'warn' }, pino.destination(2)),
      compactionIntervalMs: 0,
    });
    try {
      const deadline = Date.now() + 5000;
      for (;;) {
        const res = await fetch(`${second.url}/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/late`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const ws = (await res.json()) as Workspace;
        if (ws.status?.phase === 'Ready') {
          expect(ws.spec?.URL).toBe(`${second.url}/clusters/root:late`);
          break;
        }
        if (Date.now() > deadline) throw new Error(`stuck in ${ws.status?.phase}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await second.close();
    }
  });
});
