/**
 * Built-in admission where it became cheaper: the object cap enforced by the write itself,
 * and ResourceQuota / LimitRange / Namespace lookups served from the watch-fed cache.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateApiserverSchema } from '../storage/migrate.js';
import { Store } from '../storage/store.js';
import { startTestServer, type TestServer } from './harness.js';

const CAP = 12;
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxObjectsPerCluster: CAP });
});
afterAll(async () => t?.stop());

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
const cmPath = (cluster: string, namespace = 'default') => `/clusters/${cluster}/api/v1/namespaces/${namespace}/configmaps`;

describe('object cap per logical cluster', () => {
  it('refuses the create over the cap from the write itself, with the same 403 and warnings, without reading the count', async () => {
    await t.server.clusters.create('root:capped');
    const count = vi.spyOn(t.server.store, 'count');
    try {
      // The cluster holds its default namespace and LogicalCluster: 10 more fit.
      const warnings: (string | null)[] = [];
      for (let i = 0; i < CAP - 2; i++) {
        const res = await t.request('POST', cmPath('root:capped'), { body: configMap(`c${i}`) });
        expect(res.status).toBe(201);
        warnings.push(res.headers.get('warning'));
      }
      // 90 % of 12 is 10.8: the creates that leave 11 and 12 objects warn, the others do not.
      expect(warnings.slice(0, CAP - 4).every((w) => w === null)).toBe(true);
      expect(warnings[CAP - 4]).toContain('logical cluster root:capped holds 11 of at most 12 objects');
      expect(warnings[CAP - 3]).toContain('logical cluster root:capped holds 12 of at most 12 objects');

      const refused = await t.request('POST', cmPath('root:capped'), { body: configMap('over') });
      expect(refused.status).toBe(403);
      const status = (await refused.json()) as { reason: string; message: string; details: { name: string; kind: string } };
      expect(status.reason).toBe('Forbidden');
      expect(status.message).toBe('configmaps "over" is forbidden: logical cluster root:capped has reached its limit of 12 objects');
      expect(status.details).toMatchObject({ name: 'over', kind: 'configmaps' });
      expect((await t.request('GET', `${cmPath('root:capped')}/over`)).status).toBe(404);
      expect(count).not.toHaveBeenCalled();

      // Updates and deletes are not creates; a delete frees a slot.
      const cm = (await (await t.request('GET', `${cmPath('root:capped')}/c0`)).json()) as Record<string, unknown>;
      expect((await t.request('PUT', `${cmPath('root:capped')}/c0`, { body: { ...cm, data: { a: 'b' } } })).status).toBe(200);
      expect((await t.request('DELETE', `${cmPath('root:capped')}/c0`)).status).toBe(200);
      expect((await t.request('POST', cmPath('root:capped'), { body: configMap('again') })).status).toBe(201);
      expect((await t.request('POST', cmPath('root:capped'), { body: configMap('again2') })).status).toBe(403);
    } finally {
      count.mockRestore();
    }
  });

  it('a dry run over the cap is refused too (it writes nothing, so it reads the count)', async () => {
    await t.server.clusters.create('root:capdry');
    for (let i = 0; i < CAP - 2; i++) expect((await t.request('POST', cmPath('root:capdry'), { body: configMap(`c${i}`) })).status).toBe(201);
    const dry = await t.request('POST', `${cmPath('root:capdry')}?dryRun=All`, { body: configMap('dry') });
    expect(dry.status).toBe(403);
    expect(((await dry.json()) as { message: string }).message).toContain('has reached its limit of 12 objects');
  });

  it('concurrent creates never pass the cap together', async () => {
    await t.server.clusters.create('root:caprace');
    for (let i = 0; i < CAP - 5; i++) expect((await t.request('POST', cmPath('root:caprace'), { body: configMap(`c${i}`) })).status).toBe(201);
    // 3 slots left, 20 creates at once: exactly 3 win.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.request('POST', cmPath('root:caprace'), { body: configMap(`r${i}`) }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 403)).toHaveLength(17);
    const { rows } = await t.server.pool.query<{ n: string }>(
      `select count(*) as n from apiserver.objects o join apiserver.logical_clusters c on c.name = o.cluster where c.path = 'root:caprace'`,
    );
    expect(Number(rows[0]?.n)).toBe(CAP);
  });

  it('an existing schema upgrades in place: the old put signature keeps working beside the new one', async () => {
    // What an earlier version left behind: the 7-argument put as its own plpgsql function.
    await t.server.pool.query(`create or replace function apiserver.put(
        p_cluster text, p_resource text, p_namespace text, p_name text, p_expect bigint, p_value text, p_delete boolean
      ) returns bigint language plpgsql as $fn$ begin return -99; end $fn$`);
    const client = await t.server.pool.connect();
    try {
      await migrateApiserverSchema(client);
    } finally {
      client.release();
    }
    const { rows } = await t.server.pool.query<{ rv: string }>(
      `select apiserver.put('root', 'configmaps', 'default', 'old-caller', null, '{"metadata":{"name":"old-caller"}}', false) as rv`,
    );
    expect(Number(rows[0]?.rv)).toBeGreaterThan(0);
    expect((await t.request('GET', `${cmPath('root')}/old-caller`)).status).toBe(200);
  });
});

describe('Namespace, ResourceQuota and LimitRange lookups from the watch-fed cache', () => {
  let u: TestServer;
  let other: Store;
  let otherPool: pg.Pool;
  let cluster: string;
  const path = 'root:quotas';

  beforeAll(async () => {
    u = await startTestServer();
    cluster = (await u.server.clusters.create(path)).name;
    // Another API server process on the same database: its writes reach this one only through Postgres.
    otherPool = new pg.Pool({ connectionString: u.database.url, max: 2 });
    other = new Store(otherPool);
  });
  afterAll(async () => {
    await otherPool?.end();
    await u?.stop();
  });

  const post = (namespace: string, body: unknown, kind = 'configmaps') =>
    u.request('POST', `/clusters/${path}/api/v1/namespaces/${namespace}/${kind}`, { body });
  const quota = (name: string, namespace: string, hard: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace },
    spec: { hard },
  });
  const message = async (res: Response) => ((await res.json()) as { message: string }).message;
  /** Stops the watch hub from learning of new revisions (neither from the log nor from this process's commits). */
  const freezeHub = () => {
    const pump = vi.spyOn(u.server.hub, 'pump').mockImplementation(() => undefined);
    const committed = vi.spyOn(u.server.hub, 'committed').mockImplementation(() => undefined);
    return {
      mockRestore() {
        pump.mockRestore();
        committed.mockRestore();
      },
    };
  };

  it('honours a quota this process just wrote even when its watch hub has not seen it, then serves creates without reads', async () => {
    expect((await u.request('POST', `/clusters/${path}/api/v1/namespaces`, { body: { metadata: { name: 'q1' } } })).status).toBe(201);
    expect((await post('q1', configMap('warm'))).status).toBe(201);
    const frozen = freezeHub();
    try {
      expect((await post('q1', quota('rq', 'q1', { 'count/configmaps': '2' }), 'resourcequotas')).status).toBe(201);
      expect((await post('q1', configMap('second'))).status).toBe(201);
      const refused = await post('q1', configMap('third'));
      expect(refused.status).toBe(403);
      expect(await message(refused)).toBe(
        'configmaps "third" is forbidden: exceeded quota: rq, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2',
      );
    } finally {
      frozen.mockRestore();
    }
    u.server.hub.pump();
    // Once the hub has caught up, creates in this namespace read neither the namespace nor its quotas.
    await expect.poll(() => u.server.hub.lastRv).toBeGreaterThanOrEqual(await u.server.store.currentRv());
    await u.request('DELETE', `/clusters/${path}/api/v1/namespaces/q1/resourcequotas/rq`);
    expect((await post('q1', configMap('third'))).status).toBe(201);
    await expect.poll(() => u.server.hub.lastRv).toBeGreaterThanOrEqual(await u.server.store.currentRv());
    const list = vi.spyOn(u.server.store, 'list');
    const get = vi.spyOn(u.server.store, 'get');
    const live = u.server.lookups.liveReads;
    try {
      for (let i = 0; i < 5; i++) expect((await post('q1', configMap(`free${i}`))).status).toBe(201);
      expect(list).not.toHaveBeenCalled();
      expect(get).not.toHaveBeenCalled();
      expect(u.server.lookups.liveReads).toBe(live);
    } finally {
      list.mockRestore();
      get.mockRestore();
    }
  });

  it('fills defaults from a LimitRange this process just wrote, hub or not', async () => {
    expect((await u.request('POST', `/clusters/${path}/api/v1/namespaces`, { body: { metadata: { name: 'lr' } } })).status).toBe(201);
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
    expect((await post('lr', pod('before'), 'pods')).status).toBe(201);
    const frozen = freezeHub();
    try {
      const range = {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'defaults' },
        spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '250m' } }] },
      };
      expect((await post('lr', range, 'limitranges')).status).toBe(201);
      const created = (await (await post('lr', pod('after'), 'pods')).json()) as {
        spec: { containers: { resources?: { requests?: Record<string, string> } }[] };
      };
      expect(created.spec.containers[0]?.resources?.requests).toEqual({ cpu: '250m' });
    } finally {
      frozen.mockRestore();
    }
  });

  it('knows a logical cluster it just created: the first create in it reads neither namespace, quotas nor the cluster row', async () => {
    const created = await u.server.clusters.create('root:fresh');
    const list = vi.spyOn(u.server.store, 'list');
    const get = vi.spyOn(u.server.store, 'get');
    const query = vi.spyOn(u.server.pool, 'query');
    const live = u.server.lookups.liveReads;
    try {
      const res = await u.request('POST', '/clusters/root:fresh/api/v1/namespaces/default/limitranges', {
        body: { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'd' }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '1' } }] } },
      });
      expect(res.status).toBe(201);
      expect(list).not.toHaveBeenCalled();
      expect(get).not.toHaveBeenCalled();
      expect(u.server.lookups.liveReads).toBe(live);
      // No logical_clusters lookup by path or name either (the statements left are the write, the
      // watch hub's feed and cost admission's own).
      const statements = query.mock.calls.map((c) => String((c[0] as { text?: string }).text ?? c[0]));
      expect(statements.filter((q) => /apiserver\.(logical_clusters|objects|meta)\b/.test(q))).toEqual([]);
      expect(statements.filter((q) => q.includes('apiserver.put('))).toHaveLength(1);
    } finally {
      list.mockRestore();
      get.mockRestore();
      query.mockRestore();
    }
    // Still exact afterwards: a quota in the new cluster is honoured.
    const rq = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'rq' }, spec: { hard: { 'count/configmaps': '0' } } };
    expect((await u.request('POST', '/clusters/root:fresh/api/v1/namespaces/default/resourcequotas', { body: rq })).status).toBe(201);
    expect((await u.request('POST', `/clusters/${created.path}/api/v1/namespaces/default/configmaps`, { body: configMap('no') })).status).toBe(403);
  });

  it('honours a quota written by another process once its revision arrives (as an informer would)', async () => {
    expect((await u.request('POST', `/clusters/${path}/api/v1/namespaces`, { body: { metadata: { name: 'q2' } } })).status).toBe(201);
    expect((await post('q2', configMap('a'))).status).toBe(201);
    const value = JSON.stringify({ ...quota('elsewhere', 'q2', { 'count/configmaps': '1' }), metadata: { name: 'elsewhere', namespace: 'q2', uid: 'u-1' } });
    expect((await other.put({ cluster, resource: 'resourcequotas', namespace: 'q2', name: 'elsewhere' }, null, value)).ok).toBe(true);
    await expect.poll(async () => (await post('q2', configMap(`b${Math.random().toString(36).slice(2, 8)}`))).status, { timeout: 5000 }).toBe(403);
  });

  it('sees a namespace created elsewhere at once, and one terminated elsewhere once its revision arrives', async () => {
    const ns = (name: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: `u-${name}`, ...extra }, status: { phase: 'Active' } });
    const key = { cluster, resource: 'namespaces', namespace: '', name: 'made-elsewhere' };
    // "Not found" is always confirmed live, so a namespace another replica just made is usable immediately.
    const missing = await post('made-elsewhere', configMap('x'));
    expect(missing.status).toBe(404);
    const made = await other.put(key, null, ns('made-elsewhere'));
    expect(made.ok).toBe(true);
    expect((await post('made-elsewhere', configMap('x'))).status).toBe(201);

    const terminating = await other.put(key, made.ok ? made.rv : 0, ns('made-elsewhere', { deletionTimestamp: '2026-01-01T00:00:00Z' }));
    expect(terminating.ok).toBe(true);
    await expect.poll(async () => (await post('made-elsewhere', configMap(`y${Math.random().toString(36).slice(2, 8)}`))).status, { timeout: 5000 }).toBe(403);
    expect(await message(await post('made-elsewhere', configMap('z')))).toBe(
      'configmaps "z" is forbidden: unable to create new content in namespace made-elsewhere because it is being terminated',
    );
  });
});
