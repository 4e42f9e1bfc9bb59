/**
 * CustomResourceDefinitions per logical cluster: served where created and
 * nowhere else (discovery included), validated against openAPIV3Schema with
 * pruning, status and scale subresources, followed by a second replica, restored
 * after restart, and gone when the CRD is deleted.
 */
import { ApiException, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../server.js';
import { ADMIN_TOKEN, startTestServer, type TestServer, widgetCrd } from './harness.js';

let t: TestServer;
let replica: ApiServer;

const crd = widgetCrd({
  names: { singular: 'widget', shortNames: ['wd'] },
  version: {
    subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
    additionalPrinterColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }],
    schema: {
      openAPIV3Schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            required: ['size'],
            properties: {
              size: { type: 'integer', minimum: 1, maximum: 10 },
              color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
              code: { type: 'string', pattern: '^[A-Z]{3}$' },
              replicas: { type: 'integer' },
              tags: { type: 'array', items: { type: 'string' } },
              free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
          status: { type: 'object', properties: { replicas: { type: 'integer' }, ready: { type: 'boolean' } } },
        },
      },
    },
  },
});

async function workspace(name: string): Promise<void> {
  await t.request('POST', '/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces', {
    body: { apiVersion: 'tenancy.kcp.io/v1alpha1', kind: 'Workspace', metadata: { name } },
  });
  const deadline = Date.now() + 5000;
  for (;;) {
    const ws = (await (await t.request('GET', `/clusters/root/apis/tenancy.kcp.io/v1alpha1/workspaces/${name}`)).json()) as { status?: { phase?: string } };
    if (ws.status?.phase === 'Ready') return;
    if (Date.now() > deadline) throw new Error(`workspace ${name} not Ready`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const widgets = (cluster: string, rest = '') => `/clusters/${cluster}/apis/example.com/v1/namespaces/default/widgets${rest}`;

beforeAll(async () => {
  t = await startTestServer();
  replica = await startApiServer({
    databaseUrl: t.database.url,
    adminToken: ADMIN_TOKEN,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: 'warn' }, pino.destination(2)),
    compactionIntervalMs: 0,
  });
  await workspace('a');
  await workspace('b');
});
afterAll(async () => {
  await replica?.close();
  await t?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON
type Json = any;
async function body(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

describe('CustomResourceDefinition', () => {
  it('serves custom resources only in its logical cluster, discovery included, on every replica', async () => {
    const created = await t.request('POST', '/clusters/root:a/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
    expect(created.status).toBe(201);
    // The replica that took the write serves it at once.
    expect((await t.request('GET', '/clusters/root:a/apis/example.com/v1')).status).toBe(200);
    const groups = await body(await t.request('GET', '/clusters/root:a/apis'));
    expect(groups.groups.map((g: { name: string }) => g.name)).toContain('example.com');
    // The other replica follows within a second.
    const started = Date.now();
    await expect
      .poll(async () => (await fetch(`${replica.url}/clusters/root:a/apis/example.com/v1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, {
        timeout: 1000,
        interval: 10,
      })
      .toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    // The sibling does not see it.
    expect((await t.request('GET', '/clusters/root:b/apis/example.com/v1')).status).toBe(404);
    expect((await t.request('GET', widgets('root:b'))).status).toBe(404);
    const bGroups = await body(await t.request('GET', '/clusters/root:b/apis'));
    expect(bGroups.groups.map((g: { name: string }) => g.name)).not.toContain('example.com');
    const aggregated = await body(
      await t.request('GET', '/clusters/root:b/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' }),
    );
    expect(aggregated.items.map((g: { metadata: { name: string } }) => g.metadata.name)).not.toContain('example.com');
    // CRD status: Established.
    await expect
      .poll(
        async () =>
          (
            await body(await t.request('GET', '/clusters/root:a/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com'))
          ).status?.conditions?.find((c: { type: string }) => c.type === 'Established')?.status,
      )
      .toBe('True');

    // client-node, through discovery.
    const objects = KubernetesObjectApi.makeApiClient(t.kubeConfig('root:a'));
    const w = (await objects.create({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'default' },
      spec: { size: 3, replicas: 2, extra: 'pruned', free: { anything: { goes: 1 } } },
      status: { replicas: 9 },
    } as KubernetesObject)) as KubernetesObject & { spec: Record<string, unknown>; status?: unknown };
    expect(w.spec).toEqual({ size: 3, color: 'red', replicas: 2, free: { anything: { goes: 1 } } });
    expect(w.status).toBeUndefined();
    const bObjects = KubernetesObjectApi.makeApiClient(t.kubeConfig('root:b'));
    await expect(
      bObjects.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default' }, spec: { size: 3 } } as KubernetesObject),
    ).rejects.toThrow();
  });

  it('validates against the schema: types, required, enums, min/max, patterns', async () => {
    const bad = async (spec: unknown) => {
      const res = await t.request('POST', widgets('root:a'), { body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'bad' }, spec } });
      const status = await body(res);
      return { code: res.status, fields: (status.details?.causes ?? []).map((c: { field: string }) => c.field) as string[], message: String(status.message) };
    };
    expect(await bad({})).toMatchObject({ code: 422, fields: ['spec.size'] });
    expect(await bad({ size: 'three' })).toMatchObject({ code: 422, fields: ['spec.size'] });
    expect(await bad({ size: 11 })).toMatchObject({ code: 422, fields: ['spec.size'] });
    expect(await bad({ size: 0 })).toMatchObject({ code: 422, fields: ['spec.size'] });
    const color = await bad({ size: 1, color: 'green' });
    expect(color).toMatchObject({ code: 422, fields: ['spec.color'] });
    expect(color.message).toMatch(/supported values: "red", "blue"/);
    expect(await bad({ size: 1, code: 'abcd' })).toMatchObject({ code: 422, fields: ['spec.code'] });
    expect(await bad({ size: 1, tags: [1] })).toMatchObject({ code: 422, fields: ['spec.tags.0'] });
    const ok = await t.request('POST', widgets('root:a'), {
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ok' }, spec: { size: 10, color: 'blue', code: 'ABC' } },
    });
    expect(ok.status).toBe(201);
    // Invalid CRDs are refused.
    const wrongName = await t.request('POST', '/clusters/root:a/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: { ...crd, metadata: { name: 'gadgets.example.com' } },
    });
    expect(wrongName.status).toBe(422);
    const builtinGroup = await t.request('POST', '/clusters/root:a/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: { ...crd, metadata: { name: 'widgets.apps' }, spec: { ...crd.spec, group: 'apps' } },
    });
    expect(builtinGroup.status).toBe(422);
  });

  it('has status and scale subresources', async () => {
    const status = await t.request('PATCH', widgets('root:a', '/w1/status'), {
      body: { status: { replicas: 2, ready: true } },
      contentType: 'application/merge-patch+json',
    });
    expect(status.status).toBe(200);
    // The main endpoint ignores status.
    const main = await t.request('PATCH', widgets('root:a', '/w1'), {
      body: { spec: { size: 4 }, status: { ready: false } },
      contentType: 'application/merge-patch+json',
    });
    expect((await body(main)).status).toEqual({ replicas: 2, ready: true });
    const scale = await body(await t.request('GET', widgets('root:a', '/w1/scale')));
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 2 } });
    const scaled = await t.request('PATCH', widgets('root:a', '/w1/scale'), { body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    expect(scaled.status).toBe(200);
    expect((await body(await t.request('GET', widgets('root:a', '/w1')))).spec.replicas).toBe(5);
  });

  it('is restored from storage on start, and deleting the CRD stops serving it', async () => {
    const restarted = await startApiServer({
      databaseUrl: t.database.url,
      adminToken: ADMIN_TOKEN,
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'warn' }, pino.destination(2)),
      compactionIntervalMs: 0,
    });
    try {
      const res = await fetch(`${restarted.url}${widgets('root:a', '/w1')}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      await restarted.close();
    }
    const deleted = await t.request('DELETE', '/clusters/root:a/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    expect(deleted.status).toBe(200);
    expect((await t.request('GET', widgets('root:a'))).status).toBe(404);
    expect((await t.request('GET', '/clusters/root:a/apis/example.com/v1')).status).toBe(404);
    await expect
      .poll(async () => (await fetch(`${replica.url}${widgets('root:a')}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, {
        timeout: 1000,
        interval: 10,
      })
      .toBe(404);
    // Its custom resources are gone too: a new CRD of the same name starts empty.
    await expect
      .poll(async () =>
        Number((await t.server.pool.query('select count(*) as n from apiserver.objects where resource = $1', ['widgets.example.com'])).rows[0].n),
      )
      .toBe(0);
    expect(ApiException).toBeDefined();
  });
});
