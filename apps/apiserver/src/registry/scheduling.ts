import { forbidden, type Issue, invalid, isInt, notSupported, required } from './field.js';
import type { KubeObject } from './types.js';

/**
 * PriorityClass (scheduling.k8s.io/v1) beyond its schema: pkg/apis/scheduling
 * (defaults, validation, the two system classes). Not enforced here: the
 * immutability of `value`/`preemptionPolicy` on update and the Priority
 * admission plugin's "only one globalDefault" (both need the stored object).
 */

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_PREFIX = 'system-';
// Value and globalDefault of the classes kube-apiserver creates itself; nobody else may use the prefix.
const SYSTEM_CLASSES: Record<string, number> = { 'system-cluster-critical': 2_000_000_000, 'system-node-critical': 2_000_001_000 };
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export function defaultPriorityClass(obj: KubeObject): void {
  if (obj.preemptionPolicy === undefined || obj.preemptionPolicy === null) obj.preemptionPolicy = 'PreemptLowerPriority';
}

function systemClassProblem(name: string, value: unknown, globalDefault: unknown): string | undefined {
  const known = SYSTEM_CLASSES[name];
  if (known === undefined) return `${name} is not a known system priority class`;
  if (value !== known) return `value of ${name} PriorityClass must be ${known}`;
  if (globalDefault === true) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(obj: KubeObject): Issue[] {
  const out: Issue[] = [];
  const name = obj.metadata?.name ?? '';
  const value = obj.value;
  // Kubernetes decodes a missing value as 0; its OpenAPI schema (and so every typed client) requires it.
  if (value === undefined || value === null) out.push(required('value'));
  else if (isInt(value) && (value < INT32_MIN || value > INT32_MAX)) out.push(invalid('value', value, 'must be a 32-bit integer'));
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassProblem(name, value, obj.globalDefault);
    if (problem)
      out.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`));
  } else if (isInt(value) && value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    out.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = obj.preemptionPolicy;
  if (policy !== undefined && policy !== null && !PREEMPTION_POLICIES.includes(policy as string)) {
    out.push(notSupported('preemptionPolicy', policy, PREEMPTION_POLICIES));
  }
  return out;
}
