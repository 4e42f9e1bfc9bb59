import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateBudgets } from './budget.js';
import {
  applyRunRateUpdates,
  type BudgetCap,
  budgetPath,
  type CostTree,
  CostTreeError,
  computeRunRates,
  costNodeKey,
  costPath,
  diffRunRates,
  emptyRunRates,
  type RunRates,
  runRateOf,
  runRateUpdates,
} from './run-rate.js';

// org acme: platform → (infra, web → checkout); payments
const tree: CostTree = {
  orgId: 'acme',
  teamParents: new Map([
    ['platform', null],
    ['infra', 'platform'],
    ['web', 'platform'],
    ['checkout', 'web'],
    ['payments', null],
  ]),
  clusterTeams: new Map([
    ['c-infra', 'infra'],
    ['c-checkout', 'checkout'],
    ['c-web', 'web'],
    ['c-pay', 'payments'],
  ]),
};

describe('costPath', () => {
  it.each([
    ['c-checkout', ['cluster:c-checkout', 'team:checkout', 'team:web', 'team:platform', 'org:acme']],
    ['c-infra', ['cluster:c-infra', 'team:infra', 'team:platform', 'org:acme']],
    ['c-pay', ['cluster:c-pay', 'team:payments', 'org:acme']],
  ])('%s', (clusterId, expected) => {
    expect(costPath(tree, clusterId).map(costNodeKey)).toEqual(expected);
  });

  it('rejects unknown clusters, unknown teams and cycles', () => {
    expect(() => costPath(tree, 'nope')).toThrow(CostTreeError);
    const broken: CostTree = { ...tree, clusterTeams: new Map([['c', 'ghost']]) };
    expect(() => costPath(broken, 'c')).toThrow(/team ghost is not in org acme/);
    const cyclic: CostTree = {
      orgId: 'acme',
      teamParents: new Map([
        ['a', 'b'],
        ['b', 'a'],
      ]),
      clusterTeams: new Map([['c', 'a']]),
    };
    expect(() => costPath(cyclic, 'c')).toThrow(/cycle/);
  });
});

describe('computeRunRates', () => {
  it('sums objects into clusters, teams and the org', () => {
    const rates = computeRunRates(tree, [
      { clusterId: 'c-checkout', priceMicros: 1_000_000n },
      { clusterId: 'c-checkout', priceMicros: 1_000n },
      { clusterId: 'c-web', priceMicros: 5n },
      { clusterId: 'c-pay', priceMicros: 7n },
    ]);
    expect(runRateOf(rates, { scope: 'cluster', id: 'c-checkout' })).toBe(1_001_000n);
    expect(runRateOf(rates, { scope: 'team', id: 'checkout' })).toBe(1_001_000n);
    expect(runRateOf(rates, { scope: 'team', id: 'web' })).toBe(1_001_005n);
    expect(runRateOf(rates, { scope: 'team', id: 'platform' })).toBe(1_001_005n);
    expect(runRateOf(rates, { scope: 'team', id: 'infra' })).toBe(0n);
    expect(runRateOf(rates, { scope: 'team', id: 'payments' })).toBe(7n);
    expect(runRateOf(rates, { scope: 'org', id: 'acme' })).toBe(1_001_012n);
  });

  it('rejects objects in clusters outside the org', () => {
    expect(() => computeRunRates(tree, [{ clusterId: 'elsewhere', priceMicros: 1n }])).toThrow(CostTreeError);
  });
});

describe('incremental updates', () => {
  it('apply a delta to every node on the path, without mutating the input', () => {
    const before = emptyRunRates();
    const after = applyRunRateUpdates(before, runRateUpdates(tree, 'c-checkout', 1_000_000n));
    expect(before.orgMicros).toBe(0n);
    expect(after.orgMicros).toBe(1_000_000n);
    expect(after.teams.get('platform')).toBe(1_000_000n);
    expect(after.teams.get('payments')).toBeUndefined();
  });

  it('diffRunRates treats a missing entry as zero and reports disagreements', () => {
    const zeroed = applyRunRateUpdates(applyRunRateUpdates(emptyRunRates(), runRateUpdates(tree, 'c-pay', 5n)), runRateUpdates(tree, 'c-pay', -5n));
    expect(diffRunRates(emptyRunRates(), zeroed)).toEqual([]);
    const off = applyRunRateUpdates(emptyRunRates(), [{ scope: 'team', id: 'web', deltaMicros: 1n }]);
    expect(diffRunRates(emptyRunRates(), off)).toEqual([{ node: { scope: 'team', id: 'web' }, expectedMicros: 0n, actualMicros: 1n }]);
  });
});

describe('budgetPath', () => {
  it('picks the budgets on the path with their run-rates as committed', () => {
    const rates = computeRunRates(tree, [{ clusterId: 'c-checkout', priceMicros: 4_500_000n }]);
    const caps = new Map<string, BudgetCap>([
      ['team:web', { name: 'web', capMicros: 5_000_000n }],
      ['org:acme', { name: 'acme', capMicros: 100_000_000n }],
      ['team:payments', { name: 'payments', capMicros: 1n }],
    ]);
    const path = budgetPath(tree, 'c-checkout', caps, rates);
    expect(path).toEqual([
      { scope: 'team', id: 'web', name: 'web', capMicros: 5_000_000n, committedMicros: 4_500_000n },
      { scope: 'org', id: 'acme', name: 'acme', capMicros: 100_000_000n, committedMicros: 4_500_000n },
    ]);
    const decision = evaluateBudgets(path, 1_000_000n, 'Service default/web (LoadBalancer)');
    expect(decision.allowed ? '' : decision.message).toBe('Service default/web (LoadBalancer) adds $1.00/mo; team web budget $5.00/mo has $4.50/mo committed');
  });
});

// A random org: team i's parent is null or a team with a smaller index (so no cycles), and
// clusters hang off random teams.
const treeArb = fc
  .record({
    parents: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    clusters: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  })
  .map(({ parents, clusters }): CostTree => {
    const teamParents = new Map<string, string | null>();
    parents.forEach((p, i) => {
      teamParents.set(`t${i}`, i === 0 || p % (i + 1) === i ? null : `t${p % i}`);
    });
    return { orgId: 'org', teamParents, clusterTeams: new Map(clusters.map((t, i) => [`c${i}`, `t${t % parents.length}`])) };
  });

type Op = { kind: 'put'; objectId: number; cluster: number; priceMicros: bigint } | { kind: 'delete'; objectId: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), objectId: fc.nat(15), cluster: fc.nat(), priceMicros: fc.bigInt({ min: 0n, max: 10n ** 10n }) }),
  fc.record({ kind: fc.constant('delete' as const), objectId: fc.nat(15) }),
);

function fromScratch(t: CostTree, objects: Map<number, { clusterId: string; priceMicros: bigint }>): RunRates {
  return computeRunRates(t, objects.values());
}

describe('run-rate properties', () => {
  it('incremental create/update/delete deltas equal the from-scratch sum, at every step', () => {
    fc.assert(
      fc.property(treeArb, fc.array(opArb, { maxLength: 60 }), (t, ops) => {
        const clusterIds = [...t.clusterTeams.keys()];
        const objects = new Map<number, { clusterId: string; priceMicros: bigint }>();
        let rates = emptyRunRates();
        for (const op of ops) {
          const old = objects.get(op.objectId);
          if (op.kind === 'delete') {
            if (!old) continue;
            objects.delete(op.objectId);
            rates = applyRunRateUpdates(rates, runRateUpdates(t, old.clusterId, -old.priceMicros));
          } else {
            // An object stays in the cluster it was created in; an update changes only its price.
            const clusterId = old?.clusterId ?? clusterIds[op.cluster % clusterIds.length]!;
            objects.set(op.objectId, { clusterId, priceMicros: op.priceMicros });
            rates = applyRunRateUpdates(rates, runRateUpdates(t, clusterId, op.priceMicros - (old?.priceMicros ?? 0n)));
          }
          expect(diffRunRates(fromScratch(t, objects), rates)).toEqual([]);
        }
      }),
    );
  });

  it('a team’s run-rate is the sum of its clusters and direct sub-teams; the org’s of top-level teams', () => {
    fc.assert(
      fc.property(treeArb, fc.array(fc.tuple(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 12n })), { maxLength: 30 }), (t, placed) => {
        const clusterIds = [...t.clusterTeams.keys()];
        const rates = computeRunRates(
          t,
          placed.map(([c, priceMicros]) => ({ clusterId: clusterIds[c % clusterIds.length]!, priceMicros })),
        );
        for (const teamId of t.teamParents.keys()) {
          let expected = 0n;
          for (const [clusterId, owner] of t.clusterTeams) if (owner === teamId) expected += rates.clusters.get(clusterId) ?? 0n;
          for (const [child, parent] of t.teamParents) if (parent === teamId) expected += rates.teams.get(child) ?? 0n;
          expect(rates.teams.get(teamId) ?? 0n).toBe(expected);
        }
        let top = 0n;
        for (const [teamId, parent] of t.teamParents) if (parent === null) top += rates.teams.get(teamId) ?? 0n;
        expect(rates.orgMicros).toBe(top);
      }),
    );
  });

  it('admission: committed always equals the descendants’ run-rates, and no cost-raising change pushes a budget over its cap', () => {
    fc.assert(
      fc.property(
        treeArb,
        fc.array(fc.bigInt({ min: 0n, max: 5n * 10n ** 6n }), { minLength: 16, maxLength: 16 }),
        fc.array(opArb, { maxLength: 60 }),
        (t, capPool, ops) => {
          const caps = new Map<string, BudgetCap>();
          let i = 0;
          const nodes = [
            ...[...t.clusterTeams.keys()].map((id) => ({ scope: 'cluster' as const, id })),
            ...[...t.teamParents.keys()].map((id) => ({ scope: 'team' as const, id })),
            { scope: 'org' as const, id: 'org' },
          ];
          // Some nodes have no budget; caps are random so children may exceed parents.
          for (const node of nodes) {
            const cap = capPool[i++ % capPool.length]!;
            if (cap % 3n !== 0n) caps.set(costNodeKey(node), { name: node.id, capMicros: cap });
          }
          const clusterIds = [...t.clusterTeams.keys()];
          const objects = new Map<number, { clusterId: string; priceMicros: bigint }>();
          let rates = emptyRunRates();
          for (const op of ops) {
            const old = objects.get(op.objectId);
            const clusterId = old?.clusterId ?? (op.kind === 'put' ? clusterIds[op.cluster % clusterIds.length]! : undefined);
            if (!clusterId) continue;
            const newPrice = op.kind === 'put' ? op.priceMicros : 0n;
            const delta = newPrice - (old?.priceMicros ?? 0n);
            const path = budgetPath(t, clusterId, caps, rates);
            const decision = evaluateBudgets(path, delta, `object ${op.objectId}`);
            if (delta <= 0n) expect(decision.allowed).toBe(true);
            if (!decision.allowed) continue;
            if (op.kind === 'delete') objects.delete(op.objectId);
            else objects.set(op.objectId, { clusterId, priceMicros: newPrice });
            rates = applyRunRateUpdates(rates, runRateUpdates(t, clusterId, delta));
            if (delta > 0n) {
              for (const budget of budgetPath(t, clusterId, caps, rates)) expect(budget.committedMicros <= budget.capMicros).toBe(true);
            }
            expect(diffRunRates(fromScratch(t, objects), rates)).toEqual([]);
          }
        },
      ),
    );
  });
});
