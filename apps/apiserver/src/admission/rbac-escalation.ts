import { isDeepStrictEqual } from 'node:util';
import { SYSTEM_MASTERS, type UserInfo } from '../auth/authn.js';
import { goQuote, goQuoteList } from '../auth/go-quote.js';
import type { PolicyRule, RbacAuthorizer, ResourceAttributes } from '../auth/rbac.js';
import { covers, describeMissing, normalizeRules } from '../auth/rule-coverage.js';
import type { KubeObject } from '../registry/types.js';
import { type AdmissionAttributes, AdmissionDeniedError, type ValidatingAdmissionPlugin } from './types.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** What aggregating a ClusterRole needs: it can gather anything (Kubernetes' `fullAuthority`). */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** GC's fields (and what this server sets itself): an update touching only these is never an escalation. */
function onlyGcFields(object: KubeObject, old: KubeObject | null): boolean {
  if (!old) return false;
  const strip = (o: KubeObject) => {
    const copy = structuredClone(o);
    if (copy.metadata) {
      for (const field of [
        'ownerReferences',
        'finalizers',
        'selfLink',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'resourceVersion',
        'managedFields',
        'generation',
      ]) {
        delete (copy.metadata as Record<string, unknown>)[field];
      }
    }
    return copy;
  };
  return isDeepStrictEqual(strip(object), strip(old));
}

function hasAggregationRule(object: KubeObject | null): boolean {
  const rule = object?.aggregationRule as { clusterRoleSelectors?: unknown } | undefined;
  return Array.isArray(rule?.clusterRoleSelectors) && rule.clusterRoleSelectors.length > 0;
}

/** Kubernetes' NewForbidden for an RBAC object: `roles.rbac.authorization.k8s.io "x" is forbidden: …`. */
function forbidden(a: AdmissionAttributes, why: string): AdmissionDeniedError {
  return new AdmissionDeniedError(`${a.resource.plural}.${RBAC_GROUP} ${goQuote(a.name)} is forbidden: ${why}`);
}

function invalid(a: AdmissionAttributes, reason: string, field: string, message: string): AdmissionDeniedError {
  return new AdmissionDeniedError(`${a.resource.kind}.${RBAC_GROUP} ${goQuote(a.name)} is invalid: ${field}: ${message}`, 422, 'Invalid', [
    { reason, field, message },
  ]);
}

/**
 * RBAC escalation prevention, as Kubernetes' RBAC registry (`pkg/registry/rbac/*\/policybased`) enforces it:
 *
 * - a Role or ClusterRole may be created or changed only by a user who already holds every permission it grants
 *   (in the Role's namespace; cluster-wide for a ClusterRole), unless the user may `escalate` roles/clusterroles
 *   there; an `aggregationRule` (set now or before) needs full authority (`*` on everything);
 * - a RoleBinding or ClusterRoleBinding may be created or changed only by a user who may `bind` the role it refers to
 *   (in the binding's namespace; resourceNames can restrict that to the role's name), or who already holds every
 *   permission of that role there. A role that does not exist is 404 then, as in Kubernetes (bind suffices for it).
 *
 * `system:masters` skips every check; deletions and updates of only GC fields (ownerReferences, finalizers) are
 * never checked. Denials read as Kubernetes': `… is attempting to grant RBAC permissions not currently held:` and
 * the missing rules, compacted, one a line.
 */
export function rbacEscalation(rbac: RbacAuthorizer): ValidatingAdmissionPlugin {
  const cluster = (a: AdmissionAttributes) => a.logicalCluster.name;

  /** ConfirmNoEscalation: the refusal when `user` does not hold all of `rules` in `namespace` ('' = cluster-wide). */
  async function confirmNoEscalation(a: AdmissionAttributes, rules: PolicyRule[], namespace: string): Promise<string | undefined> {
    if (rules.length === 0) return undefined;
    const held = normalizeRules(await rbac.rulesFor(a.user, cluster(a), namespace || undefined));
    const { covered, missing } = covers(held, rules);
    if (covered) return undefined;
    return `user ${goQuote(a.user.name)} (groups=${goQuoteList(a.user.groups)}) is attempting to grant RBAC permissions not currently held:\n${describeMissing(missing)}`;
  }

  const may = (user: UserInfo, a: AdmissionAttributes, attrs: ResourceAttributes) => rbac.allowed(user, cluster(a), attrs);

  async function validateRole(a: AdmissionAttributes, object: KubeObject): Promise<void> {
    const namespace = a.resource.plural === 'roles' ? a.namespace : '';
    // RoleEscalationAuthorized: `escalate` on the resource, with the request's name (none on a create: a POST has no name).
    const escalate = await may(a.user, a, {
      verb: 'escalate',
      group: RBAC_GROUP,
      resource: a.resource.plural,
      ...(namespace ? { namespace } : {}),
      ...(a.operation === 'UPDATE' ? { name: a.name } : {}),
    });
    if (escalate) return;
    const refusal = await confirmNoEscalation(a, normalizeRules(object.rules), namespace);
    if (refusal) throw forbidden(a, refusal);
    if (a.resource.plural === 'clusterroles' && (hasAggregationRule(object) || hasAggregationRule(a.oldObject))) {
      if (await confirmNoEscalation(a, FULL_AUTHORITY, '')) throw forbidden(a, 'must have cluster-admin privileges to use the aggregationRule');
    }
  }

  async function validateBinding(a: AdmissionAttributes, object: KubeObject): Promise<void> {
    const namespace = a.resource.plural === 'rolebindings' ? a.namespace : '';
    const ref = (object.roleRef ?? {}) as { apiGroup?: unknown; kind?: unknown; name?: unknown };
    const kinds = namespace ? ['Role', 'ClusterRole'] : ['ClusterRole'];
    if (typeof ref.kind !== 'string' || !kinds.includes(ref.kind)) {
      throw invalid(
        a,
        'FieldValueNotSupported',
        'roleRef.kind',
        `Unsupported value: ${goQuote(String(ref.kind ?? ''))}: supported values: ${kinds.map(goQuote).join(', ')}`,
      );
    }
    if (typeof ref.name !== 'string' || ref.name === '') throw invalid(a, 'FieldValueRequired', 'roleRef.name', 'Required value');
    const kind = ref.kind as 'Role' | 'ClusterRole';
    const roles = kind === 'Role' ? 'roles' : 'clusterroles';
    // BindingAuthorized: `bind` on the referenced role, by name, in the binding's namespace.
    const bind = await may(a.user, a, {
      verb: 'bind',
      group: typeof ref.apiGroup === 'string' ? ref.apiGroup : RBAC_GROUP,
      resource: roles,
      name: ref.name,
      ...(namespace ? { namespace } : {}),
    });
    if (bind) return;
    const rules = await rbac.roleRules(cluster(a), kind, ref.name, namespace || undefined);
    // GetRoleReferenceRules' error, returned as is by Kubernetes: the role's NotFound.
    if (rules === undefined) throw new AdmissionDeniedError(`${roles}.${RBAC_GROUP} ${goQuote(ref.name)} not found`, 404, 'NotFound');
    const refusal = await confirmNoEscalation(a, normalizeRules(rules), namespace);
    if (refusal) throw forbidden(a, refusal);
  }

  return {
    name: 'RBACEscalation',
    async validate(a) {
      if (a.resource.group !== RBAC_GROUP || a.operation === 'DELETE' || a.subresource) return;
      if (a.user.groups.includes(SYSTEM_MASTERS)) return;
      const object = a.object;
      if (!object) return;
      if (a.operation === 'UPDATE' && onlyGcFields(object, a.oldObject)) return;
      switch (a.resource.plural) {
        case 'roles':
        case 'clusterroles':
          return validateRole(a, object);
        case 'rolebindings':
        case 'clusterrolebindings':
          return validateBinding(a, object);
      }
    },
  };
}
