/**
 * Guards cross-tenant isolation: a token for one logical cluster must read
 * nothing of another, including the `root:org:a` vs `root:org:a1` prefix case,
 * and RBAC applies inside a logical cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../auth/authn.js';
import { startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let alice: string;
let bob: string;

beforeAll(async () => {
  t = await startTestServer();
  await t.server.clusters.create('root:org');
  await t.server.clusters.create('root:org:a', { owner: 'alice' });
  await t.server.clusters.create('root:org:a1', { owner: 'mallory' });
  await t.server.clusters.create('root:org:a:b', { owner: 'alice' });
  alice = await createToken(t.server.pool, { username: 'alice', clusters: ['root:org:a'] });
  bob = await createToken(t.server.pool, { username: 'bob', clusters: ['root:org:a'] });
  await t.request('POST', '/clusters/root:org:a1/api/v1/namespaces/default/configmaps', {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'secret-plans' } },
  });
});
afterAll(async () => t?.stop());

describe('authentication', () => {
  it('requires a valid bearer token, and revocation takes effect at once', async () => {
    expect((await t.request('GET', '/clusters/root:org:a/api', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/clusters/root:org:a/api', { token: 'atr_not-a-real-token' })).status).toBe(401);
    const temporary = await createToken(t.server.pool, { username: 'alice', clusters: ['root:org:a'] });
    expect((await t.request('GET', '/clusters/root:org:a/api/v1/namespaces', { token: temporary })).status).toBe(200);
    await revokeToken(t.server.pool, temporary);
    await expect.poll(async () => (await t.request('GET', '/clusters/root:org:a/api/v1/namespaces', { token: temporary })).status, { timeout: 3000 }).toBe(401);
    expect((await t.request('GET', '/healthz', { token: null })).status).toBe(200);
    expect((await t.request('GET', '/version', { token: null })).status).toBe(200);
  });
});

describe('logical cluster isolation', () => {
  it('a token reaches exactly its logical cluster: not a prefix sibling, not a child, not a wildcard, not even discovery', async () => {
    expect((await t.request('GET', '/clusters/root:org:a/api/v1/namespaces/default/configmaps', { token: alice })).status).toBe(200);
    for (const path of [
      '/clusters/root:org:a1/api/v1/namespaces/default/configmaps',
      '/clusters/root:org:a1/api/v1/namespaces/default/configmaps/secret-plans',
      '/clusters/root:org:a1/api',
      '/clusters/root:org:a1/apis',
      '/clusters/root:org:a1/apis/apps/v1',
      '/clusters/root:org:a1/openapi/v3',
      '/clusters/root:org:a:b/api/v1/namespaces',
      '/clusters/root:org/api/v1/namespaces',
      '/clusters/root/api/v1/namespaces',
      '/clusters/*/api/v1/configmaps',
      '/api/v1/namespaces',
    ]) {
      const res = await t.request('GET', path, { token: alice });
      expect([path, res.status]).toEqual([path, 403]);
    }
    // A missing cluster answers exactly like a forbidden one.
    const missing = await t.request('GET', '/clusters/root:org:zzz/api', { token: alice });
    const forbidden = await t.request('GET', '/clusters/root:org:a1/api', { token: alice });
    expect(missing.status).toBe(forbidden.status);
    const write = await t.request('POST', '/clusters/root:org:a1/api/v1/namespaces/default/configmaps', {
      token: alice,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    });
    expect(write.status).toBe(403);
  });

  it('objects of one logical cluster are invisible in another even for the admin', async () => {
    const list = (await (await t.request('GET', '/clusters/root:org:a/api/v1/namespaces/default/configmaps')).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(0);
    expect((await t.request('GET', '/clusters/root:org:a/api/v1/namespaces/default/configmaps/secret-plans')).status).toBe(404);
  });
});

describe('RBAC inside a logical cluster', () => {
  it('the owner is cluster-admin through the workspace-admin binding', async () => {
    const res = await t.request('POST', '/clusters/root:org:a/api/v1/namespaces', {
      token: alice,
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
    });
    expect(res.status).toBe(201);
  });

  it('a user without bindings is denied; a RoleBinding to view grants reads in that namespace only', async () => {
    const podsDefault = '/clusters/root:org:a/api/v1/namespaces/default/pods';
    expect((await t.request('GET', podsDefault, { token: bob })).status).toBe(403);
    const review = async (verb: string, namespace: string) =>
      (
        (await (
          await t.request('POST', '/clusters/root:org:a/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
            token: bob,
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: { verb, resource: 'pods', namespace } },
            },
          })
        ).json()) as { status: { allowed: boolean } }
      ).status.allowed;
    expect(await review('list', 'default')).toBe(false);

    await t.request('POST', '/clusters/root:org:a/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      token: alice,
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'bob-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'bob' }],
      },
    });
    await expect.poll(async () => (await t.request('GET', podsDefault, { token: bob })).status, { timeout: 3000 }).toBe(200);
    expect(await review('list', 'default')).toBe(true);
    expect(await review('create', 'default')).toBe(false);
    expect(await review('list', 'team')).toBe(false);
    expect((await t.request('GET', '/clusters/root:org:a/api/v1/namespaces/team/pods', { token: bob })).status).toBe(403);
    const create = await t.request('POST', '/clusters/root:org:a/api/v1/namespaces/default/configmaps', {
      token: bob,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } },
    });
    expect(create.status).toBe(403);
    expect(((await create.json()) as { reason: string }).reason).toBe('Forbidden');
  });
});
