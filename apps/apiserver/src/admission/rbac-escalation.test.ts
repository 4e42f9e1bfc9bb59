import { describe, expect, it } from 'vitest';
import { SYSTEM_MASTERS, type UserInfo } from '../auth/authn.js';
import type { PolicyRule } from '../auth/rbac.js';
import { MemoryRbac } from '../auth/rbac-test-store.js';
import type { KubeObject, ResourceType } from '../registry/types.js';
import { rbacEscalation } from './rbac-escalation.js';
import { type AdmissionAttributes, type AdmissionContext, AdmissionDeniedError, type AdmissionOperation } from './types.js';

const RBAC = 'rbac.authorization.k8s.io';
const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'], wildcard: false, clusters: ['root:acme:dev'] };
const master: UserInfo = { name: 'system:admin', groups: [SYSTEM_MASTERS, 'system:authenticated'], wildcard: true, clusters: null };

const type = (kind: string, plural: string, namespaced: boolean) => ({ group: RBAC, version: 'v1', kind, plural, namespaced }) as ResourceType;
const ROLES = type('Role', 'roles', true);
const CLUSTER_ROLES = type('ClusterRole', 'clusterroles', false);
const ROLE_BINDINGS = type('RoleBinding', 'rolebindings', true);
const CLUSTER_ROLE_BINDINGS = type('ClusterRoleBinding', 'clusterrolebindings', false);

const READ = ['get', 'list', 'watch'];
const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
/** alice in namespace `team`: edit-like (no deleting secrets) and may manage Roles and RoleBindings. */
const LEAD = [
  rule([...READ, 'create', 'update', 'patch', 'delete'], [''], ['pods', 'configmaps']),
  rule(READ, [''], ['secrets']),
  rule([...READ, 'create', 'update', 'patch'], ['apps'], ['deployments']),
  rule([...READ, 'create', 'update', 'patch', 'delete'], [RBAC], ['roles', 'rolebindings']),
];

function world() {
  return new MemoryRbac('c1').role('team', 'lead', LEAD).bind('team', { kind: 'Role', name: 'lead' }, [{ kind: 'User', name: 'alice' }]);
}

const role = (name: string, rules: PolicyRule[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'Role',
  metadata: { name, namespace: 'team' },
  rules,
  ...extra,
});
const clusterRole = (name: string, rules: PolicyRule[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRole',
  metadata: { name },
  rules,
  ...extra,
});
const binding = (name: string, roleRef: Record<string, unknown>, namespace?: string): KubeObject => ({
  apiVersion: `${RBAC}/v1`,
  kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: namespace ? { name, namespace } : { name },
  roleRef: { apiGroup: RBAC, ...roleRef },
  subjects: [{ kind: 'User', name: 'bob' }],
});

function attributes(
  resource: ResourceType,
  object: KubeObject | null,
  o: { operation?: AdmissionOperation; oldObject?: KubeObject | null; user?: UserInfo } = {},
): AdmissionAttributes {
  const meta = (object ?? o.oldObject)?.metadata ?? {};
  return {
    operation: o.operation ?? 'CREATE',
    resource,
    namespace: resource.namespaced ? (meta.namespace ?? '') : '',
    name: meta.name ?? '',
    object,
    oldObject: o.oldObject ?? null,
    logicalCluster: { name: 'c1', path: 'root:acme:dev', parent: 'p', uid: 'u', owner: null, createdAt: '' },
    ancestors: [],
    user: o.user ?? alice,
    dryRun: false,
  };
}

const context: AdmissionContext = {
  reader: {
    get: () => Promise.reject(new Error('no reads')),
    list: () => Promise.reject(new Error('no reads')),
    count: () => Promise.reject(new Error('no reads')),
  },
  warn: () => {},
  transactional: () => {},
};

async function verdict(m: MemoryRbac, a: AdmissionAttributes): Promise<AdmissionDeniedError | undefined> {
  try {
    await rbacEscalation(m.rbac).validate(a, context);
    return undefined;
  } catch (e) {
    if (e instanceof AdmissionDeniedError) return e;
    throw e;
  }
}

const GROUPS = '(groups=["devs" "system:authenticated"])';

describe('RBAC escalation: Roles and ClusterRoles', () => {
  it('a Role granting what the user lacks is 403 with the missing rights, compacted and sorted, as Kubernetes words it', async () => {
    const denied = await verdict(
      world(),
      attributes(ROLES, role('x', [rule(['get', 'delete', 'deletecollection'], [''], ['secrets']), rule(['delete'], ['apps'], ['deployments'])])),
    );
    expect(denied?.code).toBe(403);
    expect(denied?.reason).toBe('Forbidden');
    expect(denied?.message).toBe(
      `roles.rbac.authorization.k8s.io "x" is forbidden: user "alice" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n` +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["delete" "deletecollection"]}\n' +
        '{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete"]}',
    );
  });

  it('a Role with a subset of the rights held in its namespace is admitted; in another namespace it is not', async () => {
    const subset = [rule(['get', 'list'], [''], ['pods', 'secrets']), rule(['get'], [''], ['secrets'], ['one']), rule(['create'], ['apps'], ['deployments'])];
    expect(await verdict(world(), attributes(ROLES, role('ok', subset)))).toBeUndefined();
    const elsewhere = { ...role('ok', subset), metadata: { name: 'ok', namespace: 'other' } };
    expect((await verdict(world(), attributes(ROLES, elsewhere)))?.code).toBe(403);
  });

  it('a ClusterRole is compared with cluster-wide rights only (RoleBindings do not count)', async () => {
    const m = world();
    expect((await verdict(m, attributes(CLUSTER_ROLES, clusterRole('c', [rule(['get'], [''], ['pods'])]))))?.message).toContain(
      '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}',
    );
    m.clusterRole('reader', [rule(READ, [''], ['pods'])]).bind(null, { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'Group', name: 'devs' }]);
    expect(await verdict(m, attributes(CLUSTER_ROLES, clusterRole('c', [rule(['get'], [''], ['pods'])])))).toBeUndefined();
    // What every user holds (discovery URLs, self reviews) may be granted by anyone who can create ClusterRoles.
    const implicit = clusterRole('d', [
      { verbs: ['get'], nonResourceURLs: ['/api', '/apis/apps'] },
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews']),
    ]);
    expect(await verdict(m, attributes(CLUSTER_ROLES, implicit))).toBeUndefined();
    const healthz = await verdict(m, attributes(CLUSTER_ROLES, clusterRole('e', [{ verbs: ['post'], nonResourceURLs: ['/healthz'] }])));
    expect(healthz?.message).toMatch(/:\n\{NonResourceURLs:\["\/healthz"\], Verbs:\["post"\]\}$/);
  });

  it('escalate on roles in the namespace skips the check; on an update, resourceNames restrict it to the role', async () => {
    const wide = role('x', [rule(['*'], ['*'], ['*'])]);
    const m = world();
    m.role('team', 'escalator', [rule(['escalate'], [RBAC], ['roles'], ['x'])]).bind('team', { kind: 'Role', name: 'escalator' }, [
      { kind: 'User', name: 'alice' },
    ]);
    // A create names no object in the request (POST): a resourceNames-restricted escalate does not apply.
    expect((await verdict(m, attributes(ROLES, wide)))?.code).toBe(403);
    expect(await verdict(m, attributes(ROLES, wide, { operation: 'UPDATE', oldObject: role('x', []) }))).toBeUndefined();
    expect((await verdict(m, attributes(ROLES, role('y', [rule(['*'], ['*'], ['*'])]), { operation: 'UPDATE', oldObject: role('y', []) })))?.code).toBe(403);
    m.role('team', 'any-escalator', [rule(['escalate'], [RBAC], ['roles'])]).bind('team', { kind: 'Role', name: 'any-escalator' }, [
      { kind: 'User', name: 'alice' },
    ]);
    expect(await verdict(m, attributes(ROLES, wide))).toBeUndefined();
  });

  it('an aggregationRule (now or before) needs full authority', async () => {
    const m = world();
    m.clusterRole('ca', [rule(['create', 'update'], [RBAC], ['clusterroles']), rule(['get'], [''], ['pods'])]).bind(null, { kind: 'ClusterRole', name: 'ca' }, [
      { kind: 'User', name: 'alice' },
    ]);
    const aggregated = clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } });
    expect((await verdict(m, attributes(CLUSTER_ROLES, aggregated)))?.message).toBe(
      'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    const dropped = await verdict(m, attributes(CLUSTER_ROLES, clusterRole('agg', []), { operation: 'UPDATE', oldObject: aggregated }));
    expect(dropped?.code).toBe(403);
    expect(await verdict(m, attributes(CLUSTER_ROLES, clusterRole('plain', [rule(['get'], [''], ['pods'])])))).toBeUndefined();
  });

  it('system:masters, deletions and GC-only updates are never checked', async () => {
    const wide = role('x', [rule(['*'], ['*'], ['*'])]);
    expect(await verdict(world(), attributes(ROLES, wide, { user: master }))).toBeUndefined();
    expect(await verdict(world(), attributes(ROLES, null, { operation: 'DELETE', oldObject: wide }))).toBeUndefined();
    const finalized = {
      ...wide,
      metadata: {
        ...wide.metadata,
        finalizers: ['x'],
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u' }],
        resourceVersion: '9',
      },
    };
    expect(await verdict(world(), attributes(ROLES, finalized, { operation: 'UPDATE', oldObject: wide }))).toBeUndefined();
    // A label change is an update of the role like any other (Kubernetes checks it).
    const labelled = { ...wide, metadata: { ...wide.metadata, labels: { a: 'b' } } };
    expect((await verdict(world(), attributes(ROLES, labelled, { operation: 'UPDATE', oldObject: wide })))?.code).toBe(403);
  });

  it('only RBAC objects are looked at', async () => {
    const configMaps = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true } as ResourceType;
    expect(
      await verdict(world(), attributes(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'team' }, rules: [] })),
    ).toBeUndefined();
  });
});

describe('RBAC escalation: RoleBindings and ClusterRoleBindings', () => {
  it('binding cluster-admin without holding it is 403 listing what cluster-admin has beyond the user', async () => {
    const denied = await verdict(world(), attributes(ROLE_BINDINGS, binding('b', { kind: 'ClusterRole', name: 'cluster-admin' }, 'team')));
    expect(denied?.message).toBe(
      `rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "alice" ${GROUPS} is attempting to grant RBAC permissions not currently held:\n` +
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}',
    );
  });

  it('binding a role whose rights the user holds in the binding namespace is admitted (stored Role, stored or bootstrap ClusterRole)', async () => {
    const m = world()
      .role('team', 'pod-reader', [rule(['get'], [''], ['pods'])])
      .clusterRole('cm-reader', [rule(READ, [''], ['configmaps'])]);
    expect(await verdict(m, attributes(ROLE_BINDINGS, binding('b1', { kind: 'Role', name: 'pod-reader' }, 'team')))).toBeUndefined();
    expect(await verdict(m, attributes(ROLE_BINDINGS, binding('b2', { kind: 'ClusterRole', name: 'cm-reader' }, 'team')))).toBeUndefined();
    // view grants reads alice lacks (resourcequotas, services, …): refused; in a ClusterRoleBinding she holds nothing.
    expect((await verdict(m, attributes(ROLE_BINDINGS, binding('b3', { kind: 'ClusterRole', name: 'view' }, 'team'))))?.code).toBe(403);
    expect((await verdict(m, attributes(CLUSTER_ROLE_BINDINGS, binding('b4', { kind: 'ClusterRole', name: 'cm-reader' }))))?.code).toBe(403);
  });

  it('bind on the referenced role suffices; resourceNames restrict it to that role, the namespace to that namespace', async () => {
    const m = world();
    m.role('team', 'binder', [rule(['bind'], [RBAC], ['clusterroles'], ['cluster-admin'])]).bind('team', { kind: 'Role', name: 'binder' }, [
      { kind: 'User', name: 'alice' },
    ]);
    expect(await verdict(m, attributes(ROLE_BINDINGS, binding('b', { kind: 'ClusterRole', name: 'cluster-admin' }, 'team')))).toBeUndefined();
    expect((await verdict(m, attributes(ROLE_BINDINGS, binding('b', { kind: 'ClusterRole', name: 'admin' }, 'team'))))?.code).toBe(403);
    expect((await verdict(m, attributes(CLUSTER_ROLE_BINDINGS, binding('b', { kind: 'ClusterRole', name: 'cluster-admin' }))))?.code).toBe(403);
    const updated = binding('b', { kind: 'ClusterRole', name: 'cluster-admin' }, 'team');
    expect(
      await verdict(m, attributes(ROLE_BINDINGS, updated, { operation: 'UPDATE', oldObject: binding('b', { kind: 'ClusterRole', name: 'view' }, 'team') })),
    ).toBeUndefined();
  });

  it('a role that does not exist: 404 as Kubernetes (its rule resolver fails), unless the user may bind it', async () => {
    const m = world();
    const missing = await verdict(m, attributes(ROLE_BINDINGS, binding('b', { kind: 'ClusterRole', name: 'nope' }, 'team')));
    expect(missing?.code).toBe(404);
    expect(missing?.reason).toBe('NotFound');
    expect(missing?.message).toBe('clusterroles.rbac.authorization.k8s.io "nope" not found');
    expect((await verdict(m, attributes(ROLE_BINDINGS, binding('b', { kind: 'Role', name: 'nope' }, 'team'))))?.message).toBe(
      'roles.rbac.authorization.k8s.io "nope" not found',
    );
    m.role('team', 'binder', [rule(['bind'], [RBAC], ['roles'])]).bind('team', { kind: 'Role', name: 'binder' }, [{ kind: 'User', name: 'alice' }]);
    expect(await verdict(m, attributes(ROLE_BINDINGS, binding('b', { kind: 'Role', name: 'nope' }, 'team')))).toBeUndefined();
  });

  it('an unsupported roleRef kind is 422 as Kubernetes validation words it', async () => {
    const bad = await verdict(world(), attributes(CLUSTER_ROLE_BINDINGS, binding('b', { kind: 'Role', name: 'x' })));
    expect(bad?.code).toBe(422);
    expect(bad?.message).toBe(
      'ClusterRoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    );
    const worse = await verdict(world(), attributes(ROLE_BINDINGS, binding('b', { kind: 'User', name: 'x' }, 'team')));
    expect(worse?.message).toBe(
      'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "User": supported values: "Role", "ClusterRole"',
    );
  });

  it('system:masters binds anything', async () => {
    expect(
      await verdict(world(), attributes(CLUSTER_ROLE_BINDINGS, binding('b', { kind: 'ClusterRole', name: 'cluster-admin' }), { user: master })),
    ).toBeUndefined();
  });
});
