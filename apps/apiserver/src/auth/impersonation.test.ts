import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/status.js';
import type { UserInfo } from './authn.js';
import { type ImpersonatedUser, impersonate } from './impersonation.js';
import type { ResourceAttributes } from './rbac.js';

const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'], wildcard: false, clusters: ['root:acme:dev'] };
const admin: UserInfo = { name: 'system:admin', groups: ['system:masters', 'system:authenticated'], wildcard: true, clusters: null };

/** `can` that allows everything, recording what was asked. */
function recorder(allow: (a: ResourceAttributes) => boolean = () => true) {
  const asked: ResourceAttributes[] = [];
  return {
    asked,
    can: async (a: ResourceAttributes) => {
      asked.push(a);
      return allow(a);
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('impersonate', () => {
  it('without impersonation headers: the user itself, and nothing is asked', async () => {
    const r = recorder();
    expect(await impersonate(alice, { authorization: 'Bearer x', accept: 'application/json' }, r.can)).toBe(alice);
    expect(r.asked).toEqual([]);
  });

  it('Impersonate-User needs impersonate on users/<name>; the new identity gets system:authenticated and keeps the token clusters', async () => {
    const r = recorder();
    const bob = (await impersonate(alice, { 'impersonate-user': 'bob' }, r.can)) as ImpersonatedUser;
    expect(r.asked).toEqual([{ verb: 'impersonate', group: '', resource: 'users', name: 'bob' }]);
    expect(bob).toEqual({ name: 'bob', groups: ['system:authenticated'], wildcard: false, clusters: ['root:acme:dev'], impersonator: alice });
  });

  it('a system identity impersonating is not a wildcard identity', async () => {
    const bob = await impersonate(admin, { 'impersonate-user': 'bob' }, async () => true);
    expect(bob.wildcard).toBe(false);
    expect(bob.groups).toEqual(['system:authenticated']);
  });

  it('groups (repeatable), extras (repeatable, key %-decoded) and uid are each checked, in Kubernetes order', async () => {
    const r = recorder();
    const u = (await impersonate(
      alice,
      {
        'impersonate-user': ['bob'],
        'impersonate-group': ['g1', 'g2'],
        'impersonate-extra-scopes': ['view', 'edit'],
        'Impersonate-Extra-Example.com%2fteam': ['t1'],
        'impersonate-uid': ['1234'],
      },
      r.can,
    )) as ImpersonatedUser;
    expect(r.asked).toEqual([
      { verb: 'impersonate', group: '', resource: 'users', name: 'bob' },
      { verb: 'impersonate', group: '', resource: 'groups', name: 'g1' },
      { verb: 'impersonate', group: '', resource: 'groups', name: 'g2' },
      { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: 'example.com/team', name: 't1' },
      { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', name: 'view' },
      { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', name: 'edit' },
      { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: '1234' },
    ]);
    expect(u.name).toBe('bob');
    expect(u.groups).toEqual(['g1', 'g2', 'system:authenticated']);
    expect(u.extra).toEqual({ 'example.com/team': ['t1'], scopes: ['view', 'edit'] });
    expect(u.uid).toBe('1234');
  });

  it('system:authenticated is not added when it, or system:unauthenticated, is requested; system:anonymous gets system:unauthenticated', async () => {
    const yes = async () => true;
    expect((await impersonate(alice, { 'impersonate-user': 'bob', 'impersonate-group': ['system:authenticated', 'g'] }, yes)).groups).toEqual([
      'system:authenticated',
      'g',
    ]);
    expect((await impersonate(alice, { 'impersonate-user': 'bob', 'impersonate-group': 'system:unauthenticated' }, yes)).groups).toEqual([
      'system:unauthenticated',
    ]);
    expect((await impersonate(alice, { 'impersonate-user': 'system:anonymous' }, yes)).groups).toEqual(['system:unauthenticated']);
  });

  it('a service account user is checked as serviceaccounts in its namespace and gets its groups unless groups are given', async () => {
    const r = recorder();
    const sa = await impersonate(alice, { 'impersonate-user': 'system:serviceaccount:shop:builder' }, r.can);
    expect(r.asked).toEqual([{ verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: 'shop', name: 'builder' }]);
    expect(sa.name).toBe('system:serviceaccount:shop:builder');
    expect(sa.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated']);
    const withGroups = await impersonate(alice, { 'impersonate-user': 'system:serviceaccount:shop:builder', 'impersonate-group': 'g' }, async () => true);
    expect(withGroups.groups).toEqual(['g', 'system:authenticated']);
    // Not a valid service account name: an ordinary user of that name.
    const r2 = recorder();
    await impersonate(alice, { 'impersonate-user': 'system:serviceaccount:Shop:builder' }, r2.can);
    expect(r2.asked[0]?.resource).toBe('users');
  });

  it('denied: 403 with Kubernetes message, at the first refused check', async () => {
    const users = await refusal(impersonate(alice, { 'impersonate-user': 'bob' }, async () => false));
    expect(users.code).toBe(403);
    expect(users.reason).toBe('Forbidden');
    expect(users.message).toBe('users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    expect(users.details).toEqual({ name: 'bob', group: '', kind: 'users' });

    const r = recorder((a) => a.resource !== 'groups');
    const groups = await refusal(impersonate(alice, { 'impersonate-user': 'bob', 'impersonate-group': ['ok', 'devs'], 'impersonate-uid': 'u1' }, r.can));
    expect(groups.message).toBe('groups "ok" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope');
    expect(r.asked.map((a) => a.resource)).toEqual(['users', 'groups']);

    const extra = await refusal(impersonate(alice, { 'impersonate-user': 'bob', 'impersonate-extra-scopes': 'view' }, async (a) => a.resource === 'users'));
    expect(extra.message).toBe(
      'userextras.authentication.k8s.io "view" is forbidden: User "alice" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    );
    const uid = await refusal(impersonate(alice, { 'impersonate-user': 'bob', 'impersonate-uid': '42' }, async (a) => a.resource === 'users'));
    expect(uid.message).toBe(
      'uids.authentication.k8s.io "42" is forbidden: User "alice" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
    );
    const sa = await refusal(impersonate(alice, { 'impersonate-user': 'system:serviceaccount:shop:builder' }, async () => false));
    expect(sa.message).toBe(
      'serviceaccounts "builder" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "shop"',
    );
  });

  it('groups, extras or a uid without a user: 400 naming the requests as Kubernetes prints them, nothing asked', async () => {
    const r = recorder();
    const groups = await refusal(impersonate(alice, { 'impersonate-group': ['devs', 'ops'] }, r.can));
    expect(groups.code).toBe(400);
    expect(groups.reason).toBe('BadRequest');
    expect(groups.message).toBe('requested [{Group  devs    } {Group  ops    }] without impersonating a user');
    const extra = await refusal(impersonate(alice, { 'impersonate-extra-scopes': 'view' }, r.can));
    expect(extra.message).toBe('requested [{UserExtra  view  authentication.k8s.io/v1  scopes}] without impersonating a user');
    const uid = await refusal(impersonate(alice, { 'impersonate-uid': '42', 'impersonate-user': '' }, r.can));
    expect(uid.message).toBe('requested [{UID  42  authentication.k8s.io/v1  }] without impersonating a user');
    expect(r.asked).toEqual([]);
  });

  it('the first Impersonate-User value counts (as Go http.Header.Get)', async () => {
    const r = recorder();
    expect((await impersonate(alice, { 'impersonate-user': ['bob', 'carol'] }, r.can)).name).toBe('bob');
    expect(r.asked).toHaveLength(1);
  });

  it('names in the message are Go-quoted and the reason HTML-sanitized, as Kubernetes writes it', async () => {
    const e = await refusal(impersonate({ ...alice, name: 'a<b>"c' }, { 'impersonate-user': 'x"y' }, async () => false));
    expect(e.message).toBe('users "x\\"y" is forbidden: User "a&lt;b&gt;\\"c" cannot impersonate resource "users" in API group "" at the cluster scope');
  });
});
