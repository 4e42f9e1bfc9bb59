/**
 * Built-in admission where it became cheaper: the object cap enforced by the write itself,
 * and ResourceQuota / LimitRange / Namespace lookups served from the watch-fed cache.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateApiserverSchema } from '../storage/migrate.js';
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
