import { describe, expect, it } from 'vitest';
import { type Budget, budgetDenialMessage, budgetWarning, describeHeadroom, evaluateBudgetSequence, evaluateBudgets } from './budget.js';
import { parseDollarsToMicros } from './money.js';

// String(4.5) is the exact decimal text "4.5", so no float arithmetic touches the amounts.
const $ = (dollars: number) => parseDollarsToMicros(String(dollars));

const cluster = (cap: number, committed: number): Budget => ({ scope: 'cluster', id: 'c1', name: 'web', capMicros: $(cap), committedMicros: $(committed) });
const team = (cap: number, committed: number, name = 'payments'): Budget => ({
  scope: 'team',
  id: `t-${name}`,
  name,
  capMicros: $(cap),
  committedMicros: $(committed),
});
const org = (cap: number, committed: number): Budget => ({ scope: 'org', id: 'o1', name: 'acme', capMicros: $(cap), committedMicros: $(committed) });
const LB = 'Service default/web (LoadBalancer)';

describe('evaluateBudgets', () => {
  it('denies with the product’s message when a team budget would break', () => {
    const decision = evaluateBudgets([team(5, 4.5), org(100, 50)], $(1), LB);
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.message).toBe('Service default/web (LoadBalancer) adds $1.00/mo; team payments budget $5.00/mo has $4.50/mo committed');
    expect(decision.breaking.id).toBe('t-payments');
  });

  type Case = [string, Budget[], bigint, { allowed: boolean; breaking?: string; allBreaking?: string[]; warnings?: string[] }];
  const cases: Case[] = [
    ['empty path allows anything', [], $(1000), { allowed: true, warnings: [] }],
    ['fits comfortably', [cluster(10, 1), team(50, 10), org(100, 20)], $(1), { allowed: true, warnings: [] }],
    ['reaching the cap exactly is allowed (and warned)', [team(5, 4)], $(1), { allowed: true, warnings: ['team payments is at 100% of its $5.00/mo budget'] }],
    ['one micro-dollar over is denied', [team(5, 4)], $(1) + 1n, { allowed: false, breaking: 't-payments' }],
    [
      'the innermost breaking budget is the headline',
      [cluster(2, 1.5), team(5, 4.5), org(100, 99.5)],
      $(1),
      { allowed: false, breaking: 'c1', allBreaking: ['c1', 't-payments', 'o1'] },
    ],
    [
      'an ancestor breaks when the child has room',
      [cluster(100, 0), team(5, 4.5), org(1000, 0)],
      $(1),
      { allowed: false, breaking: 't-payments', allBreaking: ['t-payments'] },
    ],
    [
      'a child budget larger than its parent is still checked against the parent',
      [team(500, 0, 'frontend'), team(5, 4.5, 'web'), org(1000, 0)],
      $(1),
      { allowed: false, breaking: 't-web' },
    ],
    ['the org breaks last', [cluster(100, 0), team(100, 0), org(10, 9.5)], $(1), { allowed: false, breaking: 'o1' }],
    [
      'decrease is allowed even over budget',
      [team(5, 7)],
      -$(1),
      { allowed: true, warnings: ['team payments is over its $5.00/mo budget with $6.00/mo committed'] },
    ],
    ['delete that still leaves a budget over cap is allowed', [team(5, 9)], -$(1), { allowed: true }],
    ['zero delta is allowed over budget', [team(5, 9)], 0n, { allowed: true }],
    ['increase on an already-over budget is denied', [team(5, 9)], 1n, { allowed: false, breaking: 't-payments' }],
    ['a zero cap denies any increase', [team(0, 0)], 1n, { allowed: false, breaking: 't-payments' }],
    ['a zero cap allows zero delta without warning', [team(0, 0)], 0n, { allowed: true, warnings: [] }],
    ['79% does not warn', [team(100, 78)], $(1), { allowed: true, warnings: [] }],
    ['79.99% does not warn', [team(100, 79)], $(0.99), { allowed: true, warnings: [] }],
    ['80% warns', [team(100, 79)], $(1), { allowed: true, warnings: ['team payments is at 80% of its $100.00/mo budget'] }],
    ['85% warns with the floor percentage', [team(5, 3.25)], $(1), { allowed: true, warnings: ['team payments is at 85% of its $5.00/mo budget'] }],
    [
      'warns for every budget at or above 80 %',
      [cluster(10, 8.5), team(20, 1), org(12, 9.2)],
      $(0.5),
      { allowed: true, warnings: ['cluster web is at 90% of its $10.00/mo budget', 'org acme is at 80% of its $12.00/mo budget'] },
    ],
    ['decrease below 80 % clears the warning', [team(10, 8.5)], -$(1), { allowed: true, warnings: [] }],
    [
      'a denial keeps warnings about budgets as they stand',
      [cluster(10, 9), team(5, 4.5)],
      $(1),
      { allowed: false, breaking: 't-payments', warnings: ['cluster web is at 90% of its $10.00/mo budget', 'team payments is at 90% of its $5.00/mo budget'] },
    ],
  ];

  it.each(cases)('%s', (_name, path, delta, expected) => {
    const decision = evaluateBudgets(path, delta, LB);
    expect(decision.allowed).toBe(expected.allowed);
    if (!decision.allowed) {
      expect(decision.breaking.id).toBe(expected.breaking);
      if (expected.allBreaking) expect(decision.allBreaking.map((b) => b.id)).toEqual(expected.allBreaking);
      expect(decision.message).toContain(`${LB} adds`);
    }
    if (expected.warnings) expect(decision.warnings).toEqual(expected.warnings);
    expect(decision.uses).toHaveLength(path.length);
  });

  it('reports each budget’s use after the change', () => {
    const decision = evaluateBudgets([team(5, 3.25), org(0, 0)], $(1), LB);
    expect(decision.uses.map((use) => [use.committedAfterMicros, use.percentAfter])).toEqual([
      [$(4.25), 85n],
      [$(1), null],
    ]);
  });

  it('shows tiny deltas without rounding them to $0.00', () => {
    expect(budgetDenialMessage('Service default/db (ClusterIP)', 1_000n, team(0, 0))).toBe(
      'Service default/db (ClusterIP) adds $0.001/mo; team payments budget $0.00/mo has $0.00/mo committed',
    );
  });

  it('names cluster and org budgets by scope', () => {
    expect(budgetDenialMessage(LB, $(1), cluster(1, 0.5))).toBe(`${LB} adds $1.00/mo; cluster web budget $1.00/mo has $0.50/mo committed`);
    expect(budgetDenialMessage(LB, $(1), org(12345.67, 12345))).toBe(`${LB} adds $1.00/mo; org acme budget $12,345.67/mo has $12,345.00/mo committed`);
  });
});

describe('budgetWarning', () => {
  it.each([
    [team(5, 0), 0n, undefined],
    [team(5, 0), $(4), 'team payments is at 80% of its $5.00/mo budget'],
    [team(5, 0), $(5), 'team payments is at 100% of its $5.00/mo budget'],
    [team(5, 0), $(6), 'team payments is over its $5.00/mo budget with $6.00/mo committed'],
    [team(0, 0), 0n, undefined],
    [team(0, 0), 1n, 'team payments is over its $0.00/mo budget with $0.000001/mo committed'],
  ])('%#', (budget, committed, expected) => {
    expect(budgetWarning(budget, committed)).toBe(expected);
  });
});

describe('describeHeadroom', () => {
  it('lists the headroom of every budget for dry runs', () => {
    expect(describeHeadroom([team(5, 4.5), org(100, 4.5)], $(1))).toBe('adds $1.00/mo; headroom: team payments $0.50/mo, org acme $95.50/mo');
    expect(describeHeadroom([team(5, 6)], -$(1))).toBe('saves $1.00/mo; headroom: team payments -$1.00/mo');
    expect(describeHeadroom([], 0n)).toBe('adds $0.00/mo');
  });
});

describe('evaluateBudgetSequence', () => {
  it('commits each admitted change before deciding the next, and skips denied ones', () => {
    const { decisions, path } = evaluateBudgetSequence(
      [team(5, 2), org(100, 2)],
      [
        { description: 'Service a/one (LoadBalancer)', deltaMicros: $(1) },
        { description: 'Service a/two (LoadBalancer)', deltaMicros: $(1) },
        { description: 'Deployment a/big', deltaMicros: $(2) },
        { description: 'Service a/three (ClusterIP)', deltaMicros: $(0.001) },
      ],
    );
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false, true]);
    const denied = decisions[2]!;
    expect(denied.allowed ? '' : denied.message).toBe('Deployment a/big adds $2.00/mo; team payments budget $5.00/mo has $4.00/mo committed');
    expect(decisions[1]!.warnings).toEqual(['team payments is at 80% of its $5.00/mo budget']);
    expect(path.map((b) => b.committedMicros)).toEqual([$(4.001), $(4.001)]);
  });
});
