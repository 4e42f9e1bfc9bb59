import { describe, expect, it } from 'vitest';
import { budgetView, capNotes } from './budget-view.js';

const M = 1_000_000n;

describe('budgetView', () => {
  it.each([
    [5n * M, 0n, { percent: 0, status: 'ok', headroom: '$5.00/mo', headroomMicros: '5000000' }],
    [5n * M, 3_990_000n, { percent: 79, status: 'ok', headroom: '$1.01/mo' }],
    [5n * M, 4n * M, { percent: 80, status: 'warning' }],
    [5n * M, 5n * M, { percent: 100, status: 'warning', headroom: '$0.00/mo' }],
    [5n * M, 6n * M, { percent: 120, status: 'over', headroom: '-$1.00/mo', headroomMicros: '-1000000' }],
    [0n, 0n, { percent: null, status: 'ok' }],
    [0n, 1n, { percent: null, status: 'over' }],
  ])('cap %s committed %s', (cap, committed, expected) => {
    expect(budgetView(cap, committed)).toMatchObject(expected);
  });

  it('formats amounts for display and keeps exact micro-dollars', () => {
    expect(budgetView(5n * M, 4_500_000n)).toMatchObject({ cap: '$5.00/mo', capMicros: '5000000', committed: '$4.50/mo', committedMicros: '4500000' });
  });
});

describe('capNotes', () => {
  const base = { label: 'team payments', capMicros: 5n * M, committedMicros: 0n, ancestors: [], descendants: [] };

  it('says nothing for a consistent cap with room', () => {
    expect(capNotes({ ...base, ancestors: [{ label: 'org acme', capMicros: 10n * M }], descendants: [{ label: 'cluster dev', capMicros: 2n * M }] })).toEqual(
      [],
    );
  });

  it('warns when the cap is below what is committed', () => {
    expect(capNotes({ ...base, committedMicros: 6n * M })).toEqual([
      'team payments has $6.00/mo committed, over the new $5.00/mo budget: from now on only changes that lower cost are admitted.',
    ]);
  });

  it('says a cap above an ancestor’s is allowed on paper only', () => {
    expect(
      capNotes({
        ...base,
        ancestors: [
          { label: 'team platform', capMicros: null },
          { label: 'org acme', capMicros: 3n * M },
        ],
      }),
    ).toEqual(["team payments's budget exceeds org acme's $3.00/mo: allowed on paper, but org acme's budget still limits it."]);
  });

  it('counts the budgets under it that exceed the new cap', () => {
    const descendants = [
      { label: 'cluster a', capMicros: 20n * M },
      { label: 'cluster b', capMicros: 6n * M },
      { label: 'cluster c', capMicros: 1n * M },
      { label: 'team web', capMicros: null },
    ];
    expect(capNotes({ ...base, descendants })).toEqual([
      '2 budgets under it (cluster a, cluster b) are above $5.00/mo: allowed on paper, but this budget still limits them.',
    ]);
    expect(capNotes({ ...base, descendants: descendants.slice(1) })).toEqual([
      'cluster b has a budget above $5.00/mo: allowed on paper, but this budget still limits it.',
    ]);
  });
});
