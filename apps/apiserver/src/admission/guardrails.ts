import { GUARDRAIL_LABEL } from '@atrium/kube/naming';
import { SYSTEM_MASTERS } from '../auth/authn.js';
import type { KubeObject } from '../registry/types.js';
import { type AdmissionAttributes, AdmissionDeniedError, type ValidatingAdmissionPlugin } from './types.js';

/** The policy a guardrail object implements, or undefined for an ordinary object (the label's presence is what counts). */
function guardrailPolicy(object: KubeObject | null): string | undefined {
  const value = object?.metadata?.labels?.[GUARDRAIL_LABEL];
  return typeof value === 'string' ? value : undefined;
}

/** What a tenant can do instead, for the kinds the platform writes guardrails of. */
function alternative(a: AdmissionAttributes): string {
  if (a.resource.group === '' && (a.resource.plural === 'limitranges' || a.resource.plural === 'resourcequotas')) {
    return ' Add a LimitRange or ResourceQuota of your own instead.';
  }
  if (a.resource.group === 'rbac.authorization.k8s.io') return ' Create a RoleBinding or ClusterRoleBinding of your own instead.';
  return '';
}

/**
 * Platform guardrails in tenant clusters. Every team member is cluster-admin in the team's logical
 * cluster (self-service), so RBAC cannot protect what the org owns there: the members binding and the
 * default LimitRange the worker writes. Those carry GUARDRAIL_LABEL; only system identities (the worker
 * re-applies them) may update or delete such an object, or put the label on one. The stored (old)
 * object decides, so removing the label is itself a change of a guardrail; every subresource, patch
 * type and dry run goes through here as an UPDATE, and each item of a deletecollection as a DELETE.
 */
export const guardrails: ValidatingAdmissionPlugin = {
  name: 'Guardrails',
  validate(a) {
    if (a.user.groups.includes(SYSTEM_MASTERS)) return;
    const what = `${a.resource.plural} "${a.name}"`;
    const policy = a.operation === 'CREATE' ? undefined : guardrailPolicy(a.oldObject);
    if (policy !== undefined) {
      // `root:<org>:…`: the org is the first segment below root.
      const org = a.logicalCluster.path.split(':')[1];
      const owner = org ? `org ${org}` : 'the platform';
      throw new AdmissionDeniedError(
        `${what} is forbidden: it is a guardrail of ${owner} (policy "${policy}"), managed by the platform; tenants cannot change or delete it.${alternative(a)}`,
      );
    }
    if (a.operation !== 'DELETE' && guardrailPolicy(a.object) !== undefined) {
      throw new AdmissionDeniedError(`${what} is forbidden: the label ${GUARDRAIL_LABEL} is reserved for the platform; tenants cannot set it.`);
    }
  },
};
