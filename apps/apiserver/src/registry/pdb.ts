import { type Issue, invalid, isInt, notSupported, rec, validateLabelSelector } from './field.js';
import type { KubeObject } from './types.js';

/**
 * PodDisruptionBudget (policy/v1) beyond its schema: pkg/apis/policy/validation
 * and the cells of `kubectl get pdb`. policy/v1 has no defaults (v1beta1's
 * "minAvailable: 1 when neither is set" was dropped), and, as in Kubernetes, a
 * budget with neither bound is valid: it allows every disruption.
 */

const PERCENT_FMT = '[0-9]+%';
const PERCENT = /^[0-9]+%$/;
const PERCENT_MESSAGE = `a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '${PERCENT_FMT}')`;
const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** appsvalidation.ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
function validateIntOrPercent(value: unknown, field: string): Issue[] {
  if (typeof value === 'string') {
    if (!PERCENT.test(value)) return [invalid(field, value, PERCENT_MESSAGE)];
    return Number.parseInt(value, 10) > 100 ? [invalid(field, value, 'must not be greater than 100%')] : [];
  }
  if (isInt(value) && value < 0) return [invalid(field, value, 'must be greater than or equal to 0')];
  return [];
}

export function validatePodDisruptionBudget(obj: KubeObject): Issue[] {
  const spec = rec(obj.spec);
  const out: Issue[] = [];
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
    out.push(invalid('spec', { minAvailable: spec.minAvailable, maxUnavailable: spec.maxUnavailable }, 'minAvailable and maxUnavailable cannot be both set'));
  }
  if (has(spec.minAvailable)) out.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  if (has(spec.maxUnavailable)) out.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  out.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (has(policy) && !EVICTION_POLICIES.includes(policy as string)) out.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, EVICTION_POLICIES));
  // ValidatePodDisruptionBudgetStatusUpdate: the counters the disruption controller writes.
  const status = rec(obj.status);
  for (const f of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) {
    const v = status[f];
    if (isInt(v) && v < 0) out.push(invalid(`status.${f}`, v, 'must be greater than or equal to 0'));
  }
  return out;
}

/** MIN AVAILABLE / MAX UNAVAILABLE cells: the int-or-string as given, `N/A` when unset. */
export const pdbBound = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));
