import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goQuote, goQuoteList } from './go-quote.js';
import { BOOTSTRAP_CLUSTER_ROLES, type PolicyRule } from './rbac.js';
import { breakdownRule, compactRules, compactString, covers, describeMissing, normalizeRules, ruleCovers } from './rule-coverage.js';

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames ? { resourceNames } : {}),
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

describe('Covers (Kubernetes policy_comparator semantics)', () => {
  it('an exact match covers; a missing verb is reported broken down', () => {
    const owner = [rule(['get', 'list'], ['apps'], ['deployments'])];
    expect(covers(owner, [rule(['get'], ['apps'], ['deployments'])]).covered).toBe(true);
    const { covered, missing } = covers(owner, [rule(['get', 'delete'], ['apps'], ['deployments', 'replicasets'])]);
    expect(covered).toBe(false);
    expect(missing).toEqual([
      rule(['delete'], ['apps'], ['deployments']),
      rule(['get'], ['apps'], ['replicasets']),
      rule(['delete'], ['apps'], ['replicasets']),
    ]);
  });

  it('stars on verbs, groups and resources cover anything of theirs, but a servant star needs an owner star', () => {
    expect(covers([rule(['*'], ['*'], ['*'])], [rule(['escalate', 'bind'], ['rbac.authorization.k8s.io'], ['roles'], ['x'])]).covered).toBe(true);
    expect(covers([rule(['get', 'list'], [''], ['pods', 'secrets'])], [rule(['get'], [''], ['*'])]).covered).toBe(false);
    expect(covers([rule(['get'], [''], ['pods'])], [rule(['*'], [''], ['pods'])]).covered).toBe(false);
    expect(covers([rule(['get'], ['', 'apps'], ['pods'])], [rule(['get'], ['*'], ['pods'])]).covered).toBe(false);
  });

  it('subresources: exact, or `*/<sub>`; a resource does not cover its subresources', () => {
    expect(covers([rule(['get'], [''], ['*/status'])], [rule(['get'], [''], ['pods/status', 'services/status'])]).covered).toBe(true);
    expect(covers([rule(['get'], [''], ['*/status'])], [rule(['get'], [''], ['pods'])]).covered).toBe(false);
    expect(covers([rule(['get'], [''], ['pods'])], [rule(['get'], [''], ['pods/log'])]).covered).toBe(false);
    expect(covers([rule(['get'], [''], ['pods/*'])], [rule(['get'], [''], ['pods/log'])]).covered).toBe(false);
  });

  it('resourceNames: an owner without names covers named rules; a named owner covers only its names; unnamed needs unnamed', () => {
    expect(covers([rule(['get'], [''], ['secrets'])], [rule(['get'], [''], ['secrets'], ['a', 'b'])]).covered).toBe(true);
    expect(covers([rule(['get'], [''], ['secrets'], ['a', 'b'])], [rule(['get'], [''], ['secrets'], ['a'])]).covered).toBe(true);
    const partial = covers([rule(['get'], [''], ['secrets'], ['a'])], [rule(['get'], [''], ['secrets'], ['a', 'c'])]);
    expect(partial.missing).toEqual([rule(['get'], [''], ['secrets'], ['c'])]);
    expect(covers([rule(['get'], [''], ['secrets'], ['a'])], [rule(['get'], [''], ['secrets'])]).covered).toBe(false);
  });

  it('nonResourceURLs: exact, or a trailing-star prefix; resource rules never cover them', () => {
    expect(covers([urls(['get'], ['/apis/*'])], [urls(['get'], ['/apis/apps/v1', '/apis/'])]).covered).toBe(true);
    expect(covers([urls(['get'], ['/apis/*'])], [urls(['get'], ['/apis'])]).covered).toBe(false);
    expect(covers([urls(['get'], ['*'])], [urls(['get'], ['/healthz'])]).covered).toBe(true);
    expect(covers([urls(['get'], ['/healthz'])], [urls(['post'], ['/healthz'])]).covered).toBe(false);
    expect(covers([rule(['*'], ['*'], ['*'])], [urls(['get'], ['/healthz'])]).covered).toBe(false);
    expect(covers([urls(['*'], ['*'])], [rule(['get'], [''], ['pods'])]).covered).toBe(false);
  });

  it('a rule with no verbs, or no groups, grants nothing and so needs nothing', () => {
    expect(breakdownRule(rule([], [''], ['pods']))).toEqual([]);
    expect(breakdownRule({ verbs: ['get'], resources: ['pods'] })).toEqual([]);
    expect(covers([], [rule([], ['*'], ['*']), { verbs: ['*'], resources: ['*'] }]).covered).toBe(true);
  });

  it('cluster-admin covers every bootstrap role; edit does not cover admin, and covers view but for its reads of resourcequotas and limitranges', () => {
    for (const rules of Object.values(BOOTSTRAP_CLUSTER_ROLES)) expect(covers(BOOTSTRAP_CLUSTER_ROLES['cluster-admin']!, rules).covered).toBe(true);
    expect(covers(BOOTSTRAP_CLUSTER_ROLES.edit!, BOOTSTRAP_CLUSTER_ROLES.admin!).covered).toBe(false);
    const { missing } = covers(BOOTSTRAP_CLUSTER_ROLES.edit!, BOOTSTRAP_CLUSTER_ROLES.view!);
    expect(new Set(missing.map((m) => m.resources![0]))).toEqual(new Set(['resourcequotas', 'limitranges']));
  });
});

describe('the escalation message pieces', () => {
  it('CompactString prints fields as Go does (%q of []string is space-separated)', () => {
    expect(compactString(rule(['delete', 'get'], ['apps'], ['deployments']))).toBe('{APIGroups:["apps"], Resources:["deployments"], Verbs:["delete" "get"]}');
    expect(compactString(rule(['get'], [''], ['secrets'], ['a']))).toBe('{APIGroups:[""], Resources:["secrets"], ResourceNames:["a"], Verbs:["get"]}');
    expect(compactString(urls(['*'], ['*']))).toBe('{NonResourceURLs:["*"], Verbs:["*"]}');
    expect(goQuoteList([])).toBe('[]');
    expect(goQuote('a"b\\c\nd\u0001')).toBe('"a\\"b\\\\c\\nd\\x01"');
  });

  it('CompactRules merges verbs of one group/resource/name, keeps others; the description is unique and sorted', () => {
    const { missing } = covers([], [rule(['get', 'delete'], ['', 'apps'], ['secrets']), rule(['get'], [''], ['secrets']), urls(['get'], ['/x'])]);
    expect(compactRules(missing)).toHaveLength(3);
    expect(describeMissing(missing)).toBe(
      [
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "get"]}',
        '{APIGroups:["apps"], Resources:["secrets"], Verbs:["get" "delete"]}',
        '{NonResourceURLs:["/x"], Verbs:["get"]}',
      ].join('\n'),
    );
  });

  it('normalizeRules keeps string arrays only (stored objects are any JSON)', () => {
    expect(normalizeRules([{ verbs: ['get', 1], apiGroups: [''], resources: 'pods' }, null, 'x'])).toEqual([{ verbs: ['get'], apiGroups: [''] }]);
    expect(normalizeRules(undefined)).toEqual([]);
  });
});

// Small alphabets, so that rules collide often; rules are valid as Kubernetes validates them
// (resource rules or non-resource rules, never both in one rule).
const verb = fc.constantFrom('get', 'list', 'create', 'delete', 'escalate', '*');
const group = fc.constantFrom('', 'apps', 'rbac.authorization.k8s.io', '*');
const resource = fc.constantFrom('pods', 'pods/status', 'pods/log', 'secrets', 'deployments', '*', '*/status');
const name = fc.constantFrom('a', 'b', 'c');
const url = fc.constantFrom('/api', '/api/*', '/api/v1', '/apis', '/apis/*', '/healthz', '/a*', '*');
const set = <T>(arb: fc.Arbitrary<T>, minLength = 1) => fc.uniqueArray(arb, { minLength, maxLength: 3 });
const resourceRule: fc.Arbitrary<PolicyRule> = fc.record(
  { verbs: set(verb), apiGroups: set(group), resources: set(resource), resourceNames: set(name) },
  { requiredKeys: ['verbs', 'apiGroups', 'resources'] },
);
const urlRule: fc.Arbitrary<PolicyRule> = fc.record({ verbs: set(verb), nonResourceURLs: set(url) });
const anyRule = fc.oneof({ arbitrary: resourceRule, weight: 3 }, { arbitrary: urlRule, weight: 1 });
const rules = fc.array(anyRule, { maxLength: 5 });

describe('Covers properties', () => {
  it('a rule set covers each of its own rules', () => {
    fc.assert(fc.property(rules, (rs) => rs.every((r) => covers(rs, [r]).covered)));
  });

  it('covering is monotone: adding owner rules never uncovers, adding servant rules never covers', () => {
    fc.assert(
      fc.property(rules, rules, rules, (owner, extra, servant) => {
        if (covers(owner, servant).covered) expect(covers([...owner, ...extra], servant).covered).toBe(true);
        if (!covers(owner, servant).covered) expect(covers(owner, [...servant, ...extra]).covered).toBe(false);
      }),
    );
  });

  it('covering is transitive', () => {
    fc.assert(
      fc.property(rules, rules, rules, (a, b, c) => {
        if (covers(a, b).covered && covers(b, c).covered) expect(covers(a, c).covered).toBe(true);
      }),
    );
  });

  it('a rule set and its breakdown cover each other', () => {
    fc.assert(
      fc.property(rules, (rs) => {
        const parts = rs.flatMap(breakdownRule);
        expect(covers(rs, parts).covered).toBe(true);
        expect(covers(parts, rs).covered).toBe(true);
      }),
    );
  });

  it('missing is exactly the broken-down servant rules no owner rule covers', () => {
    fc.assert(
      fc.property(rules, rules, (owner, servant) => {
        const { covered, missing } = covers(owner, servant);
        const parts = servant.flatMap(breakdownRule);
        expect(missing).toEqual(parts.filter((p) => !owner.some((o) => ruleCovers(o, p))));
        expect(covered).toBe(missing.length === 0);
        // The missing rights are precisely what is left to grant: adding them covers.
        expect(covers([...owner, ...missing], servant).covered).toBe(true);
      }),
    );
  });

  it('cluster-admin covers every rule set', () => {
    fc.assert(fc.property(rules, (rs) => covers(BOOTSTRAP_CLUSTER_ROLES['cluster-admin']!, rs).covered));
  });

  it('compacting loses no permission: the compacted missing rules cover the missing ones and back', () => {
    fc.assert(
      fc.property(rules, rules, (owner, servant) => {
        const { missing } = covers(owner, servant);
        const compacted = compactRules(missing);
        expect(covers(compacted, missing).covered).toBe(true);
        expect(covers(missing, compacted).covered).toBe(true);
      }),
    );
  });
});
