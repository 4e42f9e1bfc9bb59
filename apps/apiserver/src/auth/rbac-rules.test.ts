import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYSTEM_MASTERS, type UserInfo } from './authn.js';
import { BOOTSTRAP_CLUSTER_ROLES, IMPLICIT_RULES, type PolicyRule, type ResourceAttributes } from './rbac.js';
import { MemoryRbac } from './rbac-test-store.js';
import { covers } from './rule-coverage.js';

const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'], wildcard: false, clusters: ['root:x'] };
const admin: UserInfo = { name: 'system:admin', groups: [SYSTEM_MASTERS, 'system:authenticated'], wildcard: true, clusters: null };
const pods = (verbs: string[]): PolicyRule => ({ verbs, apiGroups: [''], resources: ['pods'] });
const secrets = (verbs: string[]): PolicyRule => ({ verbs, apiGroups: [''], resources: ['secrets'] });

describe('RbacAuthorizer.rulesFor / roleRules', () => {
  it('cluster-wide: ClusterRoleBindings only; in a namespace: also its RoleBindings; always the implicit rules', async () => {
    const m = new MemoryRbac()
      .role('a', 'pod-reader', [pods(['get'])])
      .clusterRole('secret-reader', [secrets(['get'])])
      .bind('a', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }])
      .bind('b', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'devs' }])
      .bind(null, { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'User', name: 'alice' }])
      .bind(null, { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'User', name: 'bob' }]);
    expect(await m.rbac.rulesFor(alice, m.cluster)).toEqual([...IMPLICIT_RULES, secrets(['get'])]);
    expect(await m.rbac.rulesFor(alice, m.cluster, '')).toEqual([...IMPLICIT_RULES, secrets(['get'])]);
    expect(await m.rbac.rulesFor(alice, m.cluster, 'a')).toEqual([...IMPLICIT_RULES, pods(['get']), secrets(['get'])]);
    expect(await m.rbac.rulesFor(alice, m.cluster, 'b')).toEqual([...IMPLICIT_RULES, ...BOOTSTRAP_CLUSTER_ROLES.view!, secrets(['get'])]);
    expect(await m.rbac.rulesFor(admin, m.cluster)).toEqual([...BOOTSTRAP_CLUSTER_ROLES['cluster-admin']!, ...IMPLICIT_RULES]);
  });

  it('a binding to a missing role, or to an Object.prototype name, adds nothing', async () => {
    const m = new MemoryRbac()
      .bind('a', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }])
      .bind('a', { kind: 'ClusterRole', name: 'constructor' }, [{ kind: 'User', name: 'alice' }]);
    expect(await m.rbac.rulesFor(alice, m.cluster, 'a')).toEqual([...IMPLICIT_RULES]);
  });

  it('roleRules resolves Roles in a namespace, stored ClusterRoles before bootstrap ones, else undefined', async () => {
    const m = new MemoryRbac().role('a', 'r', [pods(['get'])]).clusterRole('view', [pods(['list'])]);
    expect(await m.rbac.roleRules(m.cluster, 'Role', 'r', 'a')).toEqual([pods(['get'])]);
    expect(await m.rbac.roleRules(m.cluster, 'Role', 'r', 'b')).toBeUndefined();
    expect(await m.rbac.roleRules(m.cluster, 'Role', 'r')).toBeUndefined();
    expect(await m.rbac.roleRules(m.cluster, 'ClusterRole', 'view')).toEqual([pods(['list'])]);
    expect(await m.rbac.roleRules(m.cluster, 'ClusterRole', 'edit')).toBe(BOOTSTRAP_CLUSTER_ROLES.edit);
    expect(await m.rbac.roleRules(m.cluster, 'ClusterRole', 'toString')).toBeUndefined();
    expect(await m.rbac.roleRules(m.cluster, 'ClusterRole', 'missing')).toBeUndefined();
  });
});

// The escalation check compares against rulesFor; `allowed` decides requests. They must agree.
const verb = fc.constantFrom('get', 'list', 'create', 'delete', 'bind', 'escalate');
const ruleVerb = fc.oneof(verb, fc.constant('*'));
const group = fc.constantFrom('', 'apps', 'rbac.authorization.k8s.io', 'authorization.k8s.io');
const resource = fc.constantFrom('pods', 'pods/status', 'secrets', 'roles', 'selfsubjectaccessreviews');
const name = fc.constantFrom('x', 'y');
const namespace = fc.constantFrom('a', 'b');
const set = <T>(arb: fc.Arbitrary<T>) => fc.uniqueArray(arb, { minLength: 1, maxLength: 3 });
const rule: fc.Arbitrary<PolicyRule> = fc.record(
  {
    verbs: set(ruleVerb),
    apiGroups: set(fc.oneof(group, fc.constant('*'))),
    resources: set(fc.oneof(resource, fc.constantFrom('*', '*/status'))),
    resourceNames: set(name),
  },
  { requiredKeys: ['verbs', 'apiGroups', 'resources'] },
);
const subject = fc.constantFrom({ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'User', name: 'bob' });
const policy = fc.record({
  roles: fc.array(fc.record({ namespace, name: fc.constantFrom('r1', 'r2'), rules: fc.array(rule, { maxLength: 3 }) }), { maxLength: 3 }),
  clusterRoles: fc.array(fc.record({ name: fc.constantFrom('c1', 'view'), rules: fc.array(rule, { maxLength: 3 }) }), { maxLength: 2 }),
  bindings: fc.array(
    fc.record({
      namespace: fc.option(namespace, { nil: null }),
      kind: fc.constantFrom('Role' as const, 'ClusterRole' as const),
      role: fc.constantFrom('r1', 'r2', 'c1', 'view', 'edit', 'admin', 'nope'),
      subjects: fc.array(subject, { minLength: 1, maxLength: 2 }),
    }),
    { maxLength: 4 },
  ),
});
const request = fc.record({ verb, group, resource, name, namespace }, { requiredKeys: ['verb', 'group', 'resource'] });

describe('rulesFor agrees with allowed', () => {
  it('a concrete request is allowed exactly when the rules for its namespace cover it', async () => {
    await fc.assert(
      fc.asyncProperty(policy, request, async (p, req) => {
        const m = new MemoryRbac();
        for (const r of p.roles) m.role(r.namespace, r.name, r.rules);
        for (const r of p.clusterRoles) m.clusterRole(r.name, r.rules);
        for (const b of p.bindings) if (b.namespace !== null || b.kind === 'ClusterRole') m.bind(b.namespace, { kind: b.kind, name: b.role }, b.subjects);
        const [plural, sub] = req.resource.split('/') as [string, string | undefined];
        const attrs: ResourceAttributes = {
          verb: req.verb,
          group: req.group,
          resource: plural,
          ...(sub ? { subresource: sub } : {}),
          ...(req.namespace ? { namespace: req.namespace } : {}),
          ...(req.name ? { name: req.name } : {}),
        };
        const asRule: PolicyRule = { verbs: [req.verb], apiGroups: [req.group], resources: [req.resource], ...(req.name ? { resourceNames: [req.name] } : {}) };
        const held = await m.rbac.rulesFor(alice, m.cluster, req.namespace);
        expect(covers(held, [asRule]).covered).toBe(await m.rbac.allowed(alice, m.cluster, attrs));
      }),
      { numRuns: 300 },
    );
  });
});
