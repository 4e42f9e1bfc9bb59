/**
 * Unit-test support: an RbacAuthorizer over RBAC objects held in memory (only `Store.list` is used by it),
 * so RBAC and the escalation checks can be tested without a database. Not used by the server.
 */
import type { KubeObject } from '../registry/types.js';
import type { ListQuery, ListResult, Store } from '../storage/store.js';
import { type PolicyRule, RbacAuthorizer } from './rbac.js';

const RBAC = 'rbac.authorization.k8s.io';

export class MemoryRbac {
  private readonly objects: KubeObject[] = [];
  readonly rbac: RbacAuthorizer;

  constructor(readonly cluster = 'c1') {
    const store = {
      list: async (q: ListQuery): Promise<ListResult> => {
        const plural = q.resource.replace(`.${RBAC}`, '');
        const kind = { roles: 'Role', clusterroles: 'ClusterRole', rolebindings: 'RoleBinding', clusterrolebindings: 'ClusterRoleBinding' }[plural];
        const rows = this.objects
          .filter((o) => o.kind === kind)
          .map((o, i) => ({
            cluster: this.cluster,
            resource: q.resource,
            namespace: o.metadata?.namespace ?? '',
            name: o.metadata?.name ?? '',
            rv: i + 1,
            value: JSON.stringify(o),
          }));
        return { rv: rows.length, rows };
      },
    } as unknown as Store;
    this.rbac = new RbacAuthorizer(store);
  }

  private add(o: KubeObject): this {
    this.objects.push(o);
    this.rbac.invalidate(this.cluster);
    return this;
  }

  role(namespace: string, name: string, rules: PolicyRule[]): this {
    return this.add({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { namespace, name }, rules });
  }

  clusterRole(name: string, rules: PolicyRule[]): this {
    return this.add({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
  }

  /** A RoleBinding (with `namespace`) or ClusterRoleBinding (namespace null) of `role` to `subjects`. */
  bind(namespace: string | null, role: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: { kind: string; name: string; namespace?: string }[]): this {
    const name = `b${this.objects.length}`;
    return this.add({
      apiVersion: `${RBAC}/v1`,
      kind: namespace === null ? 'ClusterRoleBinding' : 'RoleBinding',
      metadata: namespace === null ? { name } : { namespace, name },
      roleRef: { apiGroup: RBAC, ...role },
      subjects,
    });
  }
}
