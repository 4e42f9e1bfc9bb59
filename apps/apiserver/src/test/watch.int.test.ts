import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ bookmarkIntervalMs: 200 });
  await t.server.clusters.create('root:w');
  await t.server.clusters.create('root:w:one');
  await t.server.clusters.create('root:w:two');
});
afterAll(async () => t?.stop());

interface Seen {
  type: string;
  name?: string;
  rv: string;
  cluster?: string;
  object: { metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; code?: number; reason?: string };
}

/** Opens a client-node watch and collects events until `until` says stop. */
async function collect(
  clusterPath: string,
  path: string,
  query: Record<string, string | number | boolean>,
  until: (seen: Seen[]) => boolean,
  timeoutMs = 5000,
) {
  const seen: Seen[] = [];
  const watch = new Watch(t.kubeConfig(clusterPath));
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const controller = await watch.watch(
    path,
    query,
    (type, object: Seen['object']) => {
      seen.push({
        type,
        ...(object.metadata?.name ? { name: object.metadata.name } : {}),
        rv: object.metadata?.resourceVersion ?? '',
        ...(object.metadata?.annotations?.['kcp.io/cluster'] ? { cluster: object.metadata.annotations['kcp.io/cluster'] } : {}),
        object,
      });
      if (until(seen)) finish();
    },
    () => finish(),
  );
  const timer = setTimeout(finish, timeoutMs);
  await done;
  clearTimeout(timer);
  controller.abort();
  return seen;
}

describe('watch', () => {
  it('resumes from a resourceVersion after a cut: every later event exactly once, in order', async () => {
    const core = t.kubeConfig('root:w:one').makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w0' } } });
    const startRv = first.metadata!.resourceVersion!;
    // First connection sees two events, then is cut.
    const writes = (async () => {
      for (let i = 1; i <= 10; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `w${i}` } } });
      await core.deleteNamespacedConfigMap({ name: 'w1', namespace: 'default' });
    })();
    const part1 = await collect('root:w:one', '/api/v1/namespaces/default/configmaps', { resourceVersion: startRv }, (s) => s.length >= 2);
    await writes;
    const lastRv = part1.at(-1)!.rv;
    const part2 = await collect('root:w:one', '/api/v1/namespaces/default/configmaps', { resourceVersion: lastRv }, (s) => s.length >= 9);
    const all = [...part1, ...part2];
    expect(all.map((e) => `${e.type}:${e.name}`)).toEqual([...Array.from({ length: 10 }, (_, i) => `ADDED:w${i + 1}`), 'DELETED:w1']);
    const rvs = all.map((e) => Number(e.rv));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(rvs.length);
  });

  it('without a resourceVersion starts with the current state as ADDED events, and sends bookmarks', async () => {
    const core = t.kubeConfig('root:w:two').makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'exists' } } });
    const seen = await collect('root:w:two', '/api/v1/namespaces/default/configmaps', { allowWatchBookmarks: true }, (s) =>
      s.some((e) => e.type === 'BOOKMARK'),
    );
    expect(seen[0]).toMatchObject({ type: 'ADDED', name: 'exists' });
    expect(seen.some((e) => e.type === 'BOOKMARK' && Number(e.rv) > 0)).toBe(true);
  });

  it('answers 410 Expired for a resourceVersion older than the compacted log', async () => {
    const core = t.kubeConfig('root:w:two').makeApiClient(CoreV1Api);
    const old = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'old' } } });
    for (let i = 0; i < 5; i++)
      await core.replaceNamespacedConfigMap({ name: 'old', namespace: 'default', body: { metadata: { name: 'old' }, data: { i: String(i) } } });
    await t.server.compact(await t.server.store.currentRv());
    const seen = await collect(
      'root:w:two',
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: old.metadata!.resourceVersion! },
      (s) => s.length >= 1,
    );
    expect(seen[0]?.type).toBe('ERROR');
    expect(seen[0]?.object).toMatchObject({ code: 410, reason: 'Expired' });
    // A continue token from before the compaction is 410 too.
    const page = await core.listNamespacedConfigMap({ namespace: 'default', limit: 1 });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'newer' } } });
    await core.replaceNamespacedConfigMap({ name: 'old', namespace: 'default', body: { metadata: { name: 'old' }, data: { i: 'x' } } });
    await t.server.compact(await t.server.store.currentRv());
    const res = await t.request('GET', `/clusters/root:w:two/api/v1/namespaces/default/configmaps?limit=1&continue=${page.metadata?._continue}`);
    expect(res.status).toBe(410);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const rv = await t.server.store.currentRv();
    const started = Date.now();
    const res = await t.request('GET', `/clusters/root:w:one/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion=${rv}`);
    await res.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('wildcard watches across logical clusters for system identities, with kcp.io/cluster annotations', async () => {
    const one = t.kubeConfig('root:w:one').makeApiClient(CoreV1Api);
    const two = t.kubeConfig('root:w:two').makeApiClient(CoreV1Api);
    const rv = String(await t.server.store.currentRv());
    await one.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's-one' } } });
    await two.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's-two' } } });
    const seen = await collect('*', '/api/v1/secrets', { resourceVersion: rv }, (s) => s.length >= 2);
    const oneName = (await t.server.clusters.resolve('root:w:one'))!.name;
    const twoName = (await t.server.clusters.resolve('root:w:two'))!.name;
    expect(seen.map((e) => [e.name, e.cluster])).toEqual([
      ['s-one', oneName],
      ['s-two', twoName],
    ]);
    const list = (await (await t.request('GET', '/clusters/*/api/v1/secrets')).json()) as { items: { metadata: { annotations: Record<string, string> } }[] };
    expect(list.items.map((i) => i.metadata.annotations['kcp.io/cluster']).sort()).toEqual([oneName, twoName].sort());
  });
});
