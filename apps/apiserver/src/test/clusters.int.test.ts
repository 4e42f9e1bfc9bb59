/** Logical cluster creation: one statement, and still all-or-nothing. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterExistsError, ParentMissingError, WriteConflictError } from '../storage/clusters.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

const objectsOf = async (cluster: string) =>
  (
    await t.server.pool.query<{ resource: string; name: string }>('select resource, name from apiserver.objects where cluster = $1 order by resource, name', [
      cluster,
    ])
  ).rows;

describe('ClusterDirectory.create', () => {
  it('writes the row and its objects in one statement, as watch events, and returns the parent', async () => {
    const parent = await t.server.clusters.create('root:one');
    const query = vi.spyOn(t.server.pool, 'query');
    let child: Awaited<ReturnType<typeof t.server.clusters.create>>;
    try {
      child = await t.server.clusters.create('root:one:two', { owner: 'o\'"\\wner ünïcode' });
      const statements = query.mock.calls.map((c) => String((c[0] as { text?: string }).text ?? c[0]));
      expect(statements.filter((q) => !q.includes('from apiserver.events where rv >'))).toEqual([expect.stringContaining('apiserver.create_cluster(')]);
    } finally {
      query.mockRestore();
    }
    expect(child.parent).toBe(parent.name);
    expect(await t.server.clusters.resolve('root:one:two')).toEqual(child);
    const { rows } = await t.server.pool.query<{ parent: string; owner: string; created_at: Date }>(
      'select parent, owner, created_at from apiserver.logical_clusters where name = $1',
      [child.name],
    );
    expect(rows[0]).toEqual({ parent: parent.name, owner: 'o\'"\\wner ünïcode', created_at: new Date(child.createdAt) });
    expect(await objectsOf(child.name)).toEqual([
      { resource: 'clusterrolebindings.rbac.authorization.k8s.io', name: 'workspace-admin' },
      { resource: 'logicalclusters.core.kcp.io', name: 'cluster' },
      { resource: 'namespaces', name: 'default' },
    ]);
    const binding = (await (await t.request('GET', '/clusters/root:one:two/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/workspace-admin')).json()) as {
      subjects: { name: string }[];
    };
    expect(binding.subjects[0]?.name).toBe('o\'"\\wner ünïcode');
    const events = await t.server.store.eventsSince(0, 10_000, { cluster: child.name, resource: 'namespaces' });
    expect(events.map((e) => e.type)).toEqual(['ADDED']);
  });

  it('refuses a missing parent and a taken path, writing nothing', async () => {
    const before = await t.server.store.currentRv();
    await expect(t.server.clusters.create('root:nowhere:child')).rejects.toBeInstanceOf(ParentMissingError);
    await t.server.clusters.create('root:taken');
    const after = await t.server.store.currentRv();
    await expect(t.server.clusters.create('root:taken')).rejects.toBeInstanceOf(ClusterExistsError);
    expect(await t.server.store.currentRv()).toBe(after);
    expect(after).toBeGreaterThan(before);
  });

  it('a write made with the cluster that loses its race undoes everything', async () => {
    const target = { cluster: 'root', resource: 'configmaps', namespace: 'default', name: 'guard' };
    const put = await t.server.store.put(target, null, JSON.stringify({ metadata: { name: 'guard' } }));
    expect(put.ok).toBe(true);
    const before = await t.server.store.currentRv();
    await expect(
      t.server.clusters.create('root:racing', { alsoWrite: () => [{ key: target, value: '{"metadata":{"name":"guard"}}', expectRv: 1 }] }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    expect(await t.server.store.currentRv()).toBe(before);
    const { rows } = await t.server.pool.query(`select 1 from apiserver.logical_clusters where path = 'root:racing'`);
    expect(rows).toHaveLength(0);
    // And with the right revision it all goes in together.
    const created = await t.server.clusters.create('root:racing', {
      alsoWrite: () => [{ key: target, value: '{"metadata":{"name":"guard","labels":{"a":"b"}}}', expectRv: put.ok ? put.rv : 0 }],
    });
    expect(await objectsOf(created.name)).toHaveLength(2);
    expect((await t.server.store.get(target))?.value).toContain('"labels"');
  });
});

describe('WorkspaceController, first pass of a new Workspace', () => {
  const wsPath = '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces';
  const phaseOf = async (name: string) => ((await (await t.request('GET', `${wsPath}/${name}`)).json()) as { status?: { phase?: string } }).status?.phase;

  it('starts from the dispatched revision: no read of the Workspace on its way to Ready', async () => {
    const get = vi.spyOn(t.server.store, 'get');
    try {
      expect(
        (await t.request('POST', wsPath, { body: { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: 'quick' } } })).status,
      ).toBe(201);
      // Watched from the table itself: a GET would read it through the store too.
      const stored = async () =>
        (await t.server.pool.query<{ value: string }>(`select value from apiserver.objects where resource = 'workspaces.tenancy.kcp.io' and name = 'quick'`))
          .rows[0]?.value;
      await expect.poll(async () => (JSON.parse((await stored()) ?? '{}') as { status?: { phase?: string } }).status?.phase, { timeout: 5000 }).toBe('Ready');
      expect(get.mock.calls.filter(([key]) => key.resource === 'workspaces.tenancy.kcp.io' && key.name === 'quick')).toEqual([]);
    } finally {
      get.mockRestore();
    }
  });

  it('a stale dispatched revision costs a retry, never a second cluster or a lost change', async () => {
    // The controller hears of nothing on its own meanwhile (neither from the log nor from this process's commits).
    const frozen = [
      vi.spyOn(t.server.hub, 'pump').mockImplementation(() => undefined),
      vi.spyOn(t.server.hub, 'committed').mockImplementation(() => undefined),
    ];
    try {
      const created = (await (
        await t.request('POST', wsPath, { body: { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name: 'stale' } } })
      ).json()) as Record<string, unknown> & { metadata: Record<string, unknown> };
      const staleRow = await t.server.store.get({ cluster: 'root', resource: 'workspaces.tenancy.kcp.io', namespace: '', name: 'stale' });
      expect((await t.request('PUT', `${wsPath}/stale`, { body: { ...created, metadata: { ...created.metadata, labels: { later: 'yes' } } } })).status).toBe(
        200,
      );
      // The controller is handed the older revision as if the hub had just dispatched it.
      const controller = t.server.workspaces as unknown as { fresh: Map<string, unknown>; enqueue(c: string, n: string): void };
      controller.fresh.set('root/stale', staleRow);
      controller.enqueue('root', 'stale');
      await expect.poll(() => phaseOf('stale'), { timeout: 5000 }).toBe('Ready');
    } finally {
      for (const f of frozen) f.mockRestore();
    }
    const ws = (await (await t.request('GET', `${wsPath}/stale`)).json()) as { metadata: { labels?: Record<string, string> } };
    expect(ws.metadata.labels).toEqual({ later: 'yes' });
    const { rows } = await t.server.pool.query(`select 1 from apiserver.logical_clusters where path = 'root:stale'`);
    expect(rows).toHaveLength(1);
  });
});
