import { describe, expect, it } from 'vitest';
import { budgetView } from './budget-view.js';

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
