import type { KubeObject } from '../registry/types.js';
import type { Store } from '../storage/store.js';
import { SYSTEM_MASTERS, type UserInfo } from './authn.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

interface Binding {
  namespace: string | null;
  roleKind: 'Role' | 'ClusterRole';
  roleName: string;
  subjects: { kind: string; name: string; namespace?: string }[];
}

interface ClusterPolicy {
  roles: Map<string, PolicyRule[]>;
  clusterRoles: Map<string, PolicyRule[]>;
  bindings: Binding[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const WORKLOADS = ['pods', 'services', 'configmaps', 'secrets', 'serviceaccounts', 'persistentvolumeclaims', 'events'];
const PDBS = ['poddisruptionbudgets', 'poddisruptionbudgets/status'];

/**
 * Bootstrap cluster roles every logical cluster has implicitly (not stored:
 * ten thousand clusters would otherwise carry ten thousand copies).
 * As Kubernetes' aggregated roles: PodDisruptionBudgets are read by view and
 * written by edit/admin; Endpoints and EndpointSlices are only read by them
 * (write access was withdrawn in 1.22, CVE-2021-25740, yet admin's core `*`
 * here still includes Endpoints); Leases, PriorityClasses and IngressClasses
 * are in none of them (cluster-admin only).
 */
export const BOOTSTRAP_CLUSTER_ROLES: Record<string, PolicyRule[]> = {
  'cluster-admin': [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ],
  admin: [
    { verbs: [...READ, ...WRITE], apiGroups: ['', 'apps', 'batch', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io'], resources: ['*'] },
    { verbs: [...READ, ...WRITE], apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
    { verbs: READ, apiGroups: ['policy'], resources: PDBS },
    { verbs: READ, apiGroups: [''], resources: ['namespaces'] },
    { verbs: READ, apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
  ],
  edit: [
    { verbs: [...READ, ...WRITE], apiGroups: [''], resources: WORKLOADS },
    { verbs: [...READ, ...WRITE], apiGroups: ['apps', 'batch', 'autoscaling', 'networking.k8s.io'], resources: ['*'] },
    { verbs: [...READ, ...WRITE], apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
    { verbs: READ, apiGroups: ['policy'], resources: PDBS },
    { verbs: READ, apiGroups: [''], resources: ['namespaces', 'endpoints'] },
    { verbs: READ, apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
  ],
  view: [
    { verbs: READ, apiGroups: [''], resources: WORKLOADS.filter((r) => r !== 'secrets').concat(['namespaces', 'resourcequotas', 'limitranges', 'endpoints']) },
    { verbs: READ, apiGroups: ['apps', 'batch', 'autoscaling', 'networking.k8s.io'], resources: ['*'] },
    { verbs: READ, apiGroups: ['policy'], resources: PDBS },
    { verbs: READ, apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
  ],
};

/**
 * What every user holds without any binding, for `rulesFor`: as Kubernetes' `system:basic-user` (self reviews, which
 * `allowed` grants everyone), `system:discovery` and `system:public-info-viewer` (discovery, OpenAPI, health and
 * version, which this server serves to every authenticated user), bound there to `system:authenticated`.
 */
export const IMPLICIT_RULES: readonly PolicyRule[] = [
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  {
    verbs: ['get'],
    nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
  },
];

function ruleAllows(rule: PolicyRule, a: ResourceAttributes): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(a.verb)) return false;
  if (!rule.apiGroups || (!rule.apiGroups.includes('*') && !rule.apiGroups.includes(a.group))) return false;
  const resources = rule.resources ?? [];
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = resources.includes('*') || resources.includes(full) || (a.subresource ? resources.includes(`*/${a.subresource}`) : false);
  if (!resourceOk) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) return a.name !== undefined && rule.resourceNames.includes(a.name);
  return true;
}

function subjectMatches(s: Binding['subjects'][number], user: UserInfo): boolean {
  if (s.kind === 'User') return s.name === user.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  if (s.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${s.namespace}:${s.name}`;
  return false;
}

function rulesOf(obj: KubeObject): PolicyRule[] {
  return Array.isArray(obj.rules) ? (obj.rules as PolicyRule[]) : [];
}

/**
 * Kubernetes RBAC inside one logical cluster. Each cluster's roles and
 * bindings are loaded once and dropped when a watch event touches them.
 */
export class RbacAuthorizer {
  private readonly cache = new Map<string, Promise<ClusterPolicy>>();

  constructor(private readonly store: Store) {}

  invalidate(cluster: string): void {
    this.cache.delete(cluster);
  }

  private async load(cluster: string): Promise<ClusterPolicy> {
    const policy: ClusterPolicy = { roles: new Map(), clusterRoles: new Map(), bindings: [] };
    const fetch = async (plural: string) => {
      const { rows } = await this.store.list({ cluster, resource: `${plural}.rbac.authorization.k8s.io`, limit: 100_000 });
      return rows.map((r) => JSON.parse(r.value) as KubeObject);
    };
    const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all([
      fetch('roles'),
      fetch('clusterroles'),
      fetch('rolebindings'),
      fetch('clusterrolebindings'),
    ]);
    for (const r of roles) policy.roles.set(`${r.metadata?.namespace}/${r.metadata?.name}`, rulesOf(r));
    for (const r of clusterRoles) policy.clusterRoles.set(r.metadata?.name ?? '', rulesOf(r));
    for (const b of [...roleBindings, ...clusterRoleBindings]) {
      const ref = b.roleRef as { kind?: string; name?: string } | undefined;
      if (!ref?.name || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) continue;
      policy.bindings.push({
        namespace: b.kind === 'RoleBinding' ? (b.metadata?.namespace ?? null) : null,
        roleKind: ref.kind,
        roleName: ref.name,
        subjects: Array.isArray(b.subjects) ? (b.subjects as Binding['subjects']) : [],
      });
    }
    return policy;
  }

  private policy(cluster: string): Promise<ClusterPolicy> {
    let p = this.cache.get(cluster);
    if (!p) {
      p = this.load(cluster);
      p.catch(() => this.cache.delete(cluster));
      if (this.cache.size > 20_000) this.cache.clear();
      this.cache.set(cluster, p);
    }
    return p;
  }

  async allowed(user: UserInfo, cluster: string, a: ResourceAttributes): Promise<boolean> {
    if (user.groups.includes(SYSTEM_MASTERS)) return true;
    // Every authenticated user may ask what they can do (system:basic-user).
    if (a.group === 'authorization.k8s.io' && (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews') && a.verb === 'create') {
      return true;
    }
    const policy = await this.policy(cluster);
    for (const b of policy.bindings) {
      if (b.namespace !== null && b.namespace !== a.namespace) continue;
      if (!b.subjects.some((s) => subjectMatches(s, user))) continue;
      const rules = resolveRole(policy, b.roleKind, b.roleName, b.namespace);
      if (rules?.some((r) => ruleAllows(r, a))) return true;
    }
    return false;
  }

  /**
   * The rules of the role a binding refers to, as `allowed` resolves them: a Role of `namespace`, or a stored
   * ClusterRole, else a bootstrap one (they exist implicitly). Undefined when there is no such role.
   */
  async roleRules(cluster: string, kind: 'Role' | 'ClusterRole', name: string, namespace?: string): Promise<PolicyRule[] | undefined> {
    const policy = await this.policy(cluster);
    return resolveRole(policy, kind, name, namespace || null);
  }

  /**
   * Every rule that applies to `user` in `namespace` (cluster-wide, through ClusterRoleBindings, when none is given),
   * as Kubernetes' rule resolver `RulesFor`: the rules of the roles of every ClusterRoleBinding naming the user and,
   * in a namespace, of that namespace's RoleBindings, plus IMPLICIT_RULES. `system:masters` holds cluster-admin's.
   * For resource requests these rules allow just what `allowed` does; escalation checks compare against them.
   */
  async rulesFor(user: UserInfo, cluster: string, namespace?: string): Promise<PolicyRule[]> {
    if (user.groups.includes(SYSTEM_MASTERS)) return [...BOOTSTRAP_CLUSTER_ROLES['cluster-admin']!, ...IMPLICIT_RULES];
    const policy = await this.policy(cluster);
    const rules: PolicyRule[] = [...IMPLICIT_RULES];
    for (const b of policy.bindings) {
      if (b.namespace !== null && (!namespace || b.namespace !== namespace)) continue;
      if (!b.subjects.some((s) => subjectMatches(s, user))) continue;
      rules.push(...(resolveRole(policy, b.roleKind, b.roleName, b.namespace) ?? []));
    }
    return rules;
  }
}

function resolveRole(policy: ClusterPolicy, kind: 'Role' | 'ClusterRole', name: string, namespace: string | null): PolicyRule[] | undefined {
  if (kind === 'Role') return namespace === null ? undefined : policy.roles.get(`${namespace}/${name}`);
  // Own properties only: a role named `constructor` is not Object.prototype's.
  return policy.clusterRoles.get(name) ?? (Object.hasOwn(BOOTSTRAP_CLUSTER_ROLES, name) ? BOOTSTRAP_CLUSTER_ROLES[name] : undefined);
}
