import { describe, expect, it } from 'vitest';
import { type CapTreeNode, capEffect } from './cap-effect.js';

const $ = (dollars: string) => BigInt(Math.round(Number(dollars) * 100)) * 10_000n;
function node(key: string, parentKey: string | null, runRate: string, cap: string | null = null): CapTreeNode {
  const [scope, name] = key.split(':') as ['org' | 'team' | 'cluster', string];
  return { key, scope, name, parentKey, runRateMicros: $(runRate), capMicros: cap === null ? null : $(cap) };
}

// org acme ($20) → team platform ($6) → team payments (no cap) → clusters dev, api, batch; team web → cluster site.
const tree: CapTreeNode[] = [
  node('org:acme', null, '9.50', '20'),
  node('team:platform', 'org:acme', '6.00', '6'),
  node('team:payments', 'team:platform', '4.50'),
  node('cluster:dev', 'team:payments', '2.00'),
  node('cluster:api', 'team:payments', '1.75'),
  node('cluster:batch', 'team:payments', '0.75'),
  node('cluster:tools', 'team:platform', '1.50'),
  node('team:web', 'org:acme', '3.50'),
  node('cluster:site', 'team:web', '3.50'),
];

describe('capEffect', () => {
  it('a cap below the run-rate: only changes that lower cost will be admitted, and the clusters already above it', () => {
    const e = capEffect(tree, 'team:payments', $('0.50'));
    expect(e.over).toBe(true);
    expect(e.percent).toBe(900);
    expect(e.notes).toEqual([
      'team payments already commits $4.50/mo: only changes that lower cost will be admitted.',
      '3 clusters already exceed this: dev, api, batch.',
    ]);
    expect(e.exceeding.map((n) => n.key)).toEqual(['cluster:dev', 'cluster:api', 'cluster:batch']);
  });

  it('counts only nodes under the target, sub-teams separately, never siblings', () => {
    const e = capEffect(tree, 'team:platform', $('1.60'));
    expect(e.notes).toEqual([
      'team platform already commits $6.00/mo: only changes that lower cost will be admitted.',
      '2 clusters already exceed this: dev, api.',
      '1 sub-team already exceeds this: payments.',
    ]);
    expect(e.exceeding.some((n) => n.name === 'site')).toBe(false);
  });

  it('a cap with room: the headroom; at 80 % or more: the kubectl warning', () => {
    expect(capEffect(tree, 'team:payments', $('6')).notes).toEqual(['team payments commits $4.50/mo: $1.50/mo of headroom.']);
    expect(capEffect(tree, 'team:payments', $('5')).notes).toEqual(['team payments would be at 90% of $5.00/mo: kubectl warns from 80%.']);
    // Exactly at the cap is not over: admission refuses only what would go beyond it.
    expect(capEffect(tree, 'team:payments', $('4.50'))).toMatchObject({ over: false, percent: 100 });
  });

  it('says when a smaller budget above still limits the node (allowed on paper)', () => {
    expect(capEffect(tree, 'team:payments', $('8')).notes).toEqual([
      'team payments commits $4.50/mo: $3.50/mo of headroom.',
      "team platform's budget of $6.00/mo is smaller and still limits team payments.",
    ]);
  });

  it('clearing a budget names what still limits the node; a cluster has nothing under it', () => {
    const withCap = tree.map((n) => (n.key === 'team:payments' ? { ...n, capMicros: $('5') } : n));
    expect(capEffect(withCap, 'team:payments', null).notes).toEqual(['No budget on team payments: it stays limited by team platform, org acme.']);
    expect(capEffect(tree, 'team:payments', null).notes).toEqual([]);
    expect(capEffect(tree, 'cluster:dev', $('1')).notes).toEqual(['cluster dev already commits $2.00/mo: only changes that lower cost will be admitted.']);
    const orgCapped = tree.map((n) => (n.key === 'org:acme' ? { ...n, capMicros: $('20') } : n));
    expect(capEffect(orgCapped, 'org:acme', null).notes).toEqual(['No budget on org acme: nothing above it limits what it may spend.']);
  });

  it('a zero cap: every cost-raising change is refused; an unknown node or negative cap is an error', () => {
    expect(capEffect(tree, 'cluster:site', 0n)).toMatchObject({ over: true, percent: null });
    expect(() => capEffect(tree, 'team:nope', 1n)).toThrow(RangeError);
    expect(() => capEffect(tree, 'team:web', -1n)).toThrow(RangeError);
  });
});
