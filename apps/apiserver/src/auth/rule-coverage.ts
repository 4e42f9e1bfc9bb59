/**
 * Whether one set of RBAC rules covers another, exactly as Kubernetes decides it for escalation
 * prevention (k8s.io/component-helpers/auth/rbac/validation `Covers`, and the message pieces of
 * pkg/registry/rbac/validation `ConfirmNoEscalation`: `CompactRules`, rbacv1helpers `CompactString`).
 * Pure: no I/O, no RbacAuthorizer.
 */
import { goQuoteList } from './go-quote.js';
import type { PolicyRule } from './rbac.js';

const ALL = '*';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Rules as stored objects carry them (any JSON), as PolicyRules with only string arrays; anything else is dropped. */
export function normalizeRules(value: unknown): PolicyRule[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r))
    .map((r) => {
      const rule: PolicyRule = { verbs: strings(r.verbs) };
      for (const field of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
        if (Array.isArray(r[field])) rule[field] = strings(r[field]);
      }
      return rule;
    });
}

/**
 * One rule as the equivalent list of rules with one verb, one group and one resource (and at most one
 * resource name) each, then one per non-resource URL and verb. Empty verbs or groups grant nothing, so
 * they break down to nothing, as in Kubernetes.
 */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const verbs = rule.verbs ?? [];
  const names = rule.resourceNames ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of verbs) {
        if (names.length > 0) {
          for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

function hasAll(set: readonly string[], contains: readonly string[]): boolean {
  return contains.every((c) => set.includes(c));
}

function resourceCoversAll(set: readonly string[], covers: readonly string[]): boolean {
  if (set.includes(ALL) || hasAll(set, covers)) return true;
  for (const path of covers) {
    if (set.includes(path)) continue;
    const slash = path.indexOf('/');
    // Not a subresource: no `*/sub` form can cover it.
    if (slash < 0) return false;
    if (!set.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, path: string): boolean {
  if (owner === path) return true;
  // Go's strings.TrimRight(owner, "*"): every trailing star.
  return owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, ''));
}

/**
 * Whether `owner` (any rule) covers `sub` (a rule from `breakdownRule`). An owner with resourceNames
 * covers only sub-rules naming one of them; a sub-rule without a name needs an owner without names.
 */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ownerVerbs = owner.verbs ?? [];
  const ownerGroups = owner.apiGroups ?? [];
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const verbs = ownerVerbs.includes(ALL) || hasAll(ownerVerbs, sub.verbs ?? []);
  const groups = ownerGroups.includes(ALL) || hasAll(ownerGroups, sub.apiGroups ?? []);
  const resources = resourceCoversAll(owner.resources ?? [], sub.resources ?? []);
  const urls = (sub.nonResourceURLs ?? []).every((path) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, path)));
  const names = subNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, subNames);
  return verbs && groups && resources && names && urls;
}

/** Whether `owner` covers every permission of `servant`; `missing` lists the broken-down rules it does not cover. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of servant) {
    for (const sub of breakdownRule(rule)) {
      if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
    }
  }
  return { covered: missing.length === 0, missing };
}

/**
 * Kubernetes' CompactRules: rules with exactly one group and one resource, at most one resource name and no
 * URLs, that differ only by verb, become one rule with all their verbs (in order). Others are kept as they are.
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const names = rule.resourceNames ?? [];
    const isSimple = names.length <= 1 && (rule.nonResourceURLs ?? []).length === 0 && rule.apiGroups?.length === 1 && rule.resources?.length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups![0], rule.resources![0], names.length > 0, names[0] ?? '']);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...(rule.verbs ?? [])];
    else simple.set(key, structuredClone(rule));
  }
  return [...compacted, ...simple.values()];
}

/** rbacv1helpers.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete" "get"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  const add = (label: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) parts.push(`${label}:${goQuoteList(values)}`);
  };
  add('APIGroups', rule.apiGroups);
  add('Resources', rule.resources);
  add('NonResourceURLs', rule.nonResourceURLs);
  add('ResourceNames', rule.resourceNames);
  add('Verbs', rule.verbs);
  return `{${parts.join(', ')}}`;
}

/** The missing rights as ConfirmNoEscalation lists them: compacted, one CompactString a line, unique, sorted (by bytes, as Go). */
export function describeMissing(missing: readonly PolicyRule[]): string {
  const lines = [...new Set(compactRules(missing).map(compactString))];
  lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return lines.join('\n');
}
