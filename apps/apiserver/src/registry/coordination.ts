import { forbidden, type Issue, invalid, isEmpty, isInt, qualifiedNameProblems, rec } from './field.js';
import type { KubeObject } from './types.js';

/** Lease (coordination.k8s.io/v1) beyond its schema: pkg/apis/coordination/validation. */
export function validateLease(obj: KubeObject): Issue[] {
  const spec = rec(obj.spec);
  const out: Issue[] = [];
  const duration = spec.leaseDurationSeconds;
  if (isInt(duration) && duration <= 0) out.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (isInt(transitions) && transitions < 0) out.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  // Coordinated leader election (1.31+): a strategy is a qualified name, and a preferred holder needs one.
  if (typeof spec.strategy === 'string') {
    if (spec.strategy === '') out.push({ field: 'spec.strategy', message: 'Required value' });
    else out.push(...qualifiedNameProblems(spec.strategy).map((m) => invalid('spec.strategy', spec.strategy, m)));
  }
  if (!isEmpty(spec.preferredHolder) && isEmpty(spec.strategy)) {
    out.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return out;
}

/** HOLDER cell: the holder identity, blank when nobody holds the lease. */
export const leaseHolder = (obj: KubeObject): string => {
  const holder = rec(obj.spec).holderIdentity;
  return typeof holder === 'string' ? holder : '';
};
