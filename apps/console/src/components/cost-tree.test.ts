import { capEffect } from '@atrium/core/cap-effect';
import { describe, expect, it } from 'vitest';
import type { BudgetTreeDto } from '../api/routes/budgets/list-budgets.types';
import { capTreeNodes, clusterCostText } from './cost-tree';

const view = (capMicros: string, committedMicros: string, percent: number | null, status: 'ok' | 'warning' | 'over', cap: string) => ({
  capMicros,
  cap,
  committedMicros,
  committed: '',
  percent,
  headroomMicros: '0',
  headroom: '',
  status,
});

const tree: BudgetTreeDto = {
  org: { id: 'o1', slug: 'acme', name: 'Acme', runRateMicros: '4500000', runRate: '$4.50/mo', budget: null },
  teams: [
    { id: 't1', parentId: null, slug: 'platform', name: 'Platform', runRateMicros: '4500000', runRate: '$4.50/mo', budget: null },
    {
      id: 't2',
      parentId: 't1',
      slug: 'payments',
      name: 'Payments',
      runRateMicros: '4500000',
      runRate: '$4.50/mo',
      budget: view('5000000', '4500000', 90, 'warning', '$5.00/mo'),
    },
  ],
  clusters: [
    {
      id: 'c1',
      name: 'dev',
      teamId: 't2',
      phase: 'Ready',
      template: 'standard',
      maxBudget: null,
      runRateMicros: '4500000',
      runRate: '$4.50/mo',
      budget: view('20000000', '4500000', 22, 'ok', '$20.00/mo'),
    },
  ],
};

describe('capTreeNodes', () => {
  it('turns the API tree into capEffect input: parents by key, micro-dollars as bigint', () => {
    const nodes = capTreeNodes(tree);
    expect(nodes.map((n) => [n.key, n.parentKey, n.runRateMicros, n.capMicros])).toEqual([
      ['org:o1', null, 4_500_000n, null],
      ['team:t1', 'org:o1', 4_500_000n, null],
      ['team:t2', 'team:t1', 4_500_000n, 5_000_000n],
      ['cluster:c1', 'team:t2', 4_500_000n, 20_000_000n],
    ]);
    expect(capEffect(nodes, 'team:t1', 500_000n).notes).toEqual([
      'team platform already commits $4.50/mo: only changes that lower cost will be admitted.',
      '1 cluster already exceeds this: dev.',
      '1 sub-team already exceeds this: payments.',
    ]);
  });
});

describe('clusterCostText', () => {
  it('shows run-rate and use of the cluster’s own budget, or that it has none', () => {
    expect(clusterCostText(tree.clusters[0]!)).toBe('$4.50/mo · 22 % of $20.00/mo');
    expect(clusterCostText({ runRate: '$0.42/mo', budget: null })).toBe('$0.42/mo · no budget');
    expect(clusterCostText({ runRate: '$6.00/mo', budget: view('5000000', '6000000', 120, 'over', '$5.00/mo') })).toBe('$6.00/mo · 120 % of $5.00/mo (over)');
    expect(clusterCostText({ runRate: '$0.001/mo', budget: view('0', '1000', null, 'over', '$0.00/mo') })).toBe('$0.001/mo · over its $0.00/mo budget');
    expect(clusterCostText({ runRate: '$0.00/mo', budget: view('0', '0', null, 'ok', '$0.00/mo') })).toBe('$0.00/mo · within its $0.00/mo budget');
  });
});
