/**
 * RBAC escalation prevention (admission/rbac-escalation.ts) and impersonation (auth/impersonation.ts) through
 * real kubectl v1.35, as the server runs them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../auth/authn.js';
import { adminKubeconfig } from '../kubeconfig.js';
import { ADMIN_TOKEN, kubectl, kubectlBinary, startTestServer, type TestServer } from './harness.js';

const CLUSTER = 'root:esc:dev';
const RBAC = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];

let t: TestServer;
let dir: string;
let admin: string;
let alice: string;
let aliceToken: string;
let carol: string;

/** A user token for CLUSTER and a kubeconfig using it. */
async function userKubeconfig(username: string): Promise<{ file: string; token: string }> {
  const token = await createToken(t.server.pool, { username, clusters: [CLUSTER] });
  const file = path.join(dir, `${username}.kubeconfig`);
  fs.writeFileSync(file, adminKubeconfig(t.server.httpsUrl!, token, { caPem: t.server.caPem!, paths: [CLUSTER] }));
  return { file, token };
}

async function adminCreate(apiPath: string, body: Record<string, unknown>): Promise<void> {
  const res = await t.request('POST', `/clusters/${CLUSTER}${apiPath}`, { body });
  expect(res.status, await res.clone().text()).toBe(201);
}

const rbacPath = (plural: string, namespace?: string) => `/apis/${RBAC}/v1${namespace ? `/namespaces/${namespace}` : ''}/${plural}`;

async function adminRole(namespace: string, name: string, rules: unknown[]): Promise<void> {
  await adminCreate(rbacPath('roles', namespace), { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name }, rules });
}

async function adminRoleBinding(namespace: string, name: string, roleRef: { kind: string; name: string }, user: string): Promise<void> {
  await adminCreate(rbacPath('rolebindings', namespace), {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, ...roleRef },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: user }],
  });
}

async function adminClusterRole(name: string, rules: unknown[]): Promise<void> {
  await adminCreate(rbacPath('clusterroles'), { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
}

async function adminClusterRoleBinding(name: string, role: string, user: string): Promise<void> {
  await adminCreate(rbacPath('clusterrolebindings'), {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'User', apiGroup: RBAC, name: user }],
  });
}

/** Polls `probe` until it returns `want` (hooks cannot use expect.poll). */
async function waitFor<T>(probe: () => Promise<T>, want: T, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got === want) return;
    if (Date.now() > deadline) throw new Error(`still ${String(got)} after ${timeoutMs} ms, want ${String(want)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Kubernetes' escalation refusal. */
const notHeld = (resource: string, name: string, user: string, missing: string[]) =>
  `${resource}.${RBAC} "${name}" is forbidden: user "${user}" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`;

beforeAll(async () => {
  [t] = await Promise.all([startTestServer(), kubectlBinary()]);
  await t.server.clusters.create('root:esc');
  await t.server.clusters.create(CLUSTER, { owner: 'owner' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atrium-rbac-escalation-'));
  admin = path.join(dir, 'admin.kubeconfig');
  fs.writeFileSync(admin, adminKubeconfig(t.server.httpsUrl!, ADMIN_TOKEN, { caPem: t.server.caPem!, paths: [CLUSTER] }));
  ({ file: alice, token: aliceToken } = await userKubeconfig('alice'));
  ({ file: carol } = await userKubeconfig('carol'));
  for (const ns of ['team', 'other']) await adminCreate('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  // alice in `team`: edit-like (but may not delete secrets) and may manage Roles and RoleBindings there.
  await adminRole('team', 'lead', [
    { apiGroups: [''], resources: ['pods', 'configmaps', 'services'], verbs: [...READ, 'create', 'update', 'patch', 'delete'] },
    { apiGroups: [''], resources: ['secrets'], verbs: READ },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, 'create', 'update', 'patch'] },
    { apiGroups: [RBAC], resources: ['roles', 'rolebindings'], verbs: [...READ, 'create', 'update', 'patch', 'delete'] },
  ]);
  await adminRoleBinding('team', 'alice-lead', { kind: 'Role', name: 'lead' }, 'alice');
  // carol, cluster-wide: may write ClusterRoles and read pods.
  await adminClusterRole('role-author', [
    { apiGroups: [RBAC], resources: ['clusterroles'], verbs: [...READ, 'create', 'update', 'patch'] },
    { apiGroups: [''], resources: ['pods'], verbs: READ },
  ]);
  await adminClusterRoleBinding('carol-role-author', 'role-author', 'carol');
  await waitFor(async () => (await kubectl(alice, ['auth', 'can-i', 'create', 'roles', '-n', 'team'])).stdout.trim(), 'yes');
  await waitFor(async () => (await kubectl(carol, ['auth', 'can-i', 'create', 'clusterroles'])).stdout.trim(), 'yes');
});
afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('RBAC escalation prevention (real kubectl)', () => {
  it('a Role granting delete on secrets the user cannot delete is 403 with Kubernetes message', async () => {
    const message = notHeld('roles', 'secret-deleter', 'alice', ['{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}']);
    const r = await kubectl(alice, ['-n', 'team', 'create', 'role', 'secret-deleter', '--verb=delete', '--resource=secrets']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    const res = await t.request('POST', `/clusters/${CLUSTER}${rbacPath('roles', 'team')}`, {
      token: aliceToken,
      body: {
        apiVersion: `${RBAC}/v1`,
        kind: 'Role',
        metadata: { name: 'secret-deleter' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['delete'] }],
      },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message,
      details: { name: 'secret-deleter', group: RBAC, kind: 'roles' },
    });
    // Several missing rights: compacted per resource, one a line, sorted.
    const many = await kubectl(alice, ['-n', 'team', 'create', 'role', 'wider', '--verb=get,delete,deletecollection', '--resource=secrets,deployments.apps']);
    expect(many.stderr).toContain(
      notHeld('roles', 'wider', 'alice', [
        '{APIGroups:[""], Resources:["secrets"], Verbs:["delete" "deletecollection"]}',
        '{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete" "deletecollection"]}',
      ]),
    );
    expect((await kubectl(admin, ['-n', 'team', 'get', 'roles', '-o', 'name'])).stdout.trim().split('\n')).toEqual(['role.rbac.authorization.k8s.io/lead']);
  });

  it('a Role with a subset of the rights held is created; widening it by patch is refused the same way', async () => {
    const ok = await kubectl(alice, ['-n', 'team', 'create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods,secrets']);
    expect(ok.code, ok.stderr).toBe(0);
    const named = await kubectl(alice, ['-n', 'team', 'create', 'role', 'one-secret', '--verb=get', '--resource=secrets', '--resource-name=db']);
    expect(named.code, named.stderr).toBe(0);
    const got = JSON.parse((await kubectl(admin, ['-n', 'team', 'get', 'role', 'pod-reader', '-o', 'json'])).stdout) as { rules: unknown[] };
    expect(got.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list'] }]);
    const widen = await kubectl(alice, [
      '-n',
      'team',
      'patch',
      'role',
      'pod-reader',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'add', path: '/rules/-', value: { apiGroups: [''], resources: ['secrets'], verbs: ['delete'] } }]),
    ]);
    expect(widen.code).not.toBe(0);
    expect(widen.stderr).toContain(notHeld('roles', 'pod-reader', 'alice', ['{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}']));
    // The same Role in a namespace where alice holds nothing is refused by RBAC itself.
    const elsewhere = await kubectl(alice, ['-n', 'other', 'create', 'role', 'pod-reader', '--verb=get', '--resource=pods']);
    expect(elsewhere.stderr).toContain('User "alice" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "other"');
  });

  it('binding cluster-admin in a RoleBinding is refused; binding a role within her rights works; a missing role is 404', async () => {
    const admin_ = await kubectl(alice, ['-n', 'team', 'create', 'rolebinding', 'bob-admin', '--clusterrole=cluster-admin', '--user=bob']);
    expect(admin_.code).not.toBe(0);
    expect(admin_.stderr).toContain(
      notHeld('rolebindings', 'bob-admin', 'alice', ['{APIGroups:["*"], Resources:["*"], Verbs:["*"]}', '{NonResourceURLs:["*"], Verbs:["*"]}']),
    );
    const view = await kubectl(alice, ['-n', 'team', 'create', 'rolebinding', 'bob-view', '--clusterrole=view', '--user=bob']);
    expect(view.stderr).toContain('is attempting to grant RBAC permissions not currently held:\n');
    const own = await kubectl(alice, ['-n', 'team', 'create', 'rolebinding', 'bob-pods', '--role=pod-reader', '--user=bob']);
    expect(own.code, own.stderr).toBe(0);
    const missing = await kubectl(alice, ['-n', 'team', 'create', 'rolebinding', 'bob-nope', '--clusterrole=nope', '--user=bob']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('clusterroles.rbac.authorization.k8s.io "nope" not found');
  });

  it('with bind on clusterroles/cluster-admin in the namespace she can bind it there, and only that role', async () => {
    await adminRole('team', 'cluster-admin-binder', [{ apiGroups: [RBAC], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['cluster-admin'] }]);
    await adminRoleBinding('team', 'alice-binder', { kind: 'Role', name: 'cluster-admin-binder' }, 'alice');
    await expect
      .poll(async () => (await kubectl(alice, ['-n', 'team', 'create', 'rolebinding', 'bob-admin', '--clusterrole=cluster-admin', '--user=bob'])).code, {
        timeout: 5000,
      })
      .toBe(0);
    const other = await kubectl(alice, ['-n', 'team', 'create', 'rolebinding', 'bob-admin2', '--clusterrole=admin', '--user=bob']);
    expect(other.stderr).toContain(notHeld('rolebindings', 'bob-admin2', 'alice', []).trimEnd());
  });

  it('kubectl auth can-i answers as before (bind and escalate are ordinary verbs to it)', async () => {
    const canI = async (...args: string[]) => (await kubectl(alice, ['auth', 'can-i', ...args])).stdout.trim();
    expect(await canI('create', 'roles', '-n', 'team')).toBe('yes');
    expect(await canI('delete', 'secrets', '-n', 'team')).toBe('no');
    expect(await canI('list', 'pods', '-n', 'other')).toBe('no');
    expect(await canI('bind', 'clusterroles/cluster-admin', '-n', 'team')).toBe('yes');
    expect(await canI('bind', 'clusterroles/admin', '-n', 'team')).toBe('no');
    expect(await canI('escalate', 'roles', '-n', 'team')).toBe('no');
  });

  it('with escalate on roles she may create any Role in that namespace', async () => {
    await adminRole('team', 'escalator', [{ apiGroups: [RBAC], resources: ['roles'], verbs: ['escalate'] }]);
    await adminRoleBinding('team', 'alice-escalator', { kind: 'Role', name: 'escalator' }, 'alice');
    await expect
      .poll(async () => (await kubectl(alice, ['-n', 'team', 'create', 'role', 'secret-deleter', '--verb=delete', '--resource=secrets'])).code, {
        timeout: 5000,
      })
      .toBe(0);
  });

  it('ClusterRoles are compared with cluster-wide rights; aggregation needs full authority', async () => {
    const ok = await kubectl(carol, ['create', 'clusterrole', 'pod-getter', '--verb=get', '--resource=pods']);
    expect(ok.code, ok.stderr).toBe(0);
    const discovery = await kubectl(carol, ['create', 'clusterrole', 'api-getter', '--verb=get', '--non-resource-url=/apis/*']);
    expect(discovery.code, discovery.stderr).toBe(0);
    const del = await kubectl(carol, ['create', 'clusterrole', 'pod-deleter', '--verb=delete', '--resource=pods']);
    expect(del.stderr).toContain(notHeld('clusterroles', 'pod-deleter', 'carol', ['{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}']));
    const metrics = await kubectl(carol, ['create', 'clusterrole', 'metrics', '--verb=get', '--non-resource-url=/metrics']);
    expect(metrics.stderr).toContain(notHeld('clusterroles', 'metrics', 'carol', ['{NonResourceURLs:["/metrics"], Verbs:["get"]}']));
    const aggregated = await kubectl(carol, ['create', 'clusterrole', 'aggregated', '--aggregation-rule=a=b']);
    expect(aggregated.stderr).toContain(
      'clusterroles.rbac.authorization.k8s.io "aggregated" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    // A RoleBinding's rights do not count cluster-wide: alice holds pods in `team` only.
    const viaBinding = await kubectl(alice, ['-n', 'team', 'auth', 'can-i', 'create', 'clusterroles']);
    expect(viaBinding.stdout.trim()).toBe('no');
  });

  it('system:masters is never checked', async () => {
    const r = await kubectl(admin, ['create', 'clusterrolebinding', 'dave-admin', '--clusterrole=cluster-admin', '--user=dave']);
    expect(r.code, r.stderr).toBe(0);
    const agg = await kubectl(admin, ['create', 'clusterrole', 'aggregated', '--aggregation-rule=a=b']);
    expect(agg.code, agg.stderr).toBe(0);
  });
});

describe('impersonation', () => {
  beforeAll(async () => {
    await adminRoleBinding('team', 'erin-view', { kind: 'ClusterRole', name: 'view' }, 'erin');
  });

  it('--as without the impersonate verb is 403 with Kubernetes message', async () => {
    const r = await kubectl(alice, ['--as=erin', '-n', 'team', 'get', 'pods']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('users "erin" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  it('with impersonate on users/erin: acts as erin (her RBAC, not alice’s), and only as erin', async () => {
    await adminClusterRole('impersonate-erin', [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'], resourceNames: ['erin'] }]);
    await adminClusterRoleBinding('alice-impersonates-erin', 'impersonate-erin', 'alice');
    await expect.poll(async () => (await kubectl(alice, ['--as=erin', '-n', 'team', 'get', 'pods'])).code, { timeout: 5000 }).toBe(0);
    const otherNs = await kubectl(alice, ['--as=erin', '-n', 'other', 'get', 'pods']);
    expect(otherNs.stderr).toContain('pods is forbidden: User "erin" cannot list resource "pods" in API group "" in the namespace "other"');
    // erin has view only: what alice may do in `team` is not hers.
    const write = await kubectl(alice, ['--as=erin', '-n', 'team', 'create', 'configmap', 'x']);
    expect(write.stderr).toContain('User "erin" cannot create resource "configmaps"');
    expect((await kubectl(alice, ['--as=erin', '-n', 'team', 'auth', 'can-i', 'list', 'pods'])).stdout.trim()).toBe('yes');
    expect((await kubectl(alice, ['--as=erin', '-n', 'team', 'auth', 'can-i', 'delete', 'pods'])).stdout.trim()).toBe('no');
    const frank = await kubectl(alice, ['--as=frank', '-n', 'team', 'get', 'pods']);
    expect(frank.stderr).toContain('users "frank" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    const group = await kubectl(alice, ['--as=erin', '--as-group=devs', '-n', 'team', 'get', 'pods']);
    expect(group.stderr).toContain('groups "devs" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope');
  });

  it('escalation checks apply to the impersonated identity', async () => {
    await adminRole('team', 'erin-roles', [{ apiGroups: [RBAC], resources: ['roles'], verbs: ['create'] }]);
    await adminRoleBinding('team', 'erin-roles', { kind: 'Role', name: 'erin-roles' }, 'erin');
    await expect
      .poll(async () => (await kubectl(alice, ['--as=erin', '-n', 'team', 'auth', 'can-i', 'create', 'roles'])).stdout.trim(), { timeout: 5000 })
      .toBe('yes');
    const r = await kubectl(alice, ['--as=erin', '-n', 'team', 'create', 'role', 'erin-secrets', '--verb=delete', '--resource=secrets']);
    expect(r.stderr).toContain(notHeld('roles', 'erin-secrets', 'erin', ['{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}']));
  });

  it('groups without a user is 400; system:masters may impersonate anyone', async () => {
    const res = await fetch(`${t.server.url}/clusters/${CLUSTER}/api/v1/namespaces/team/pods`, {
      headers: { authorization: `Bearer ${aliceToken}`, 'impersonate-group': 'devs' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('requested [{Group  devs    }] without impersonating a user');
    const r = await kubectl(admin, ['--as=erin', '-n', 'team', 'get', 'pods']);
    expect(r.code, r.stderr).toBe(0);
    const denied = await kubectl(admin, ['--as=erin', '-n', 'other', 'get', 'pods']);
    expect(denied.stderr).toContain('User "erin" cannot list resource "pods"');
  });
});
