import type { CapTreeNode } from '@atrium/core/cap-effect';
import type { BudgetTreeDto } from '../api/routes/budgets/list-budgets.types';

/** Cost-tree node keys, shared by the budget editor, the effect preview and the API. */
export type CostNodeKey = `org:${string}` | `team:${string}` | `cluster:${string}`;

/** The API's cost tree as core's `capEffect` input (browser-safe: type imports only). */
export function capTreeNodes(tree: BudgetTreeDto): CapTreeNode[] {
  const cap = (b: { capMicros: string } | null) => (b ? BigInt(b.capMicros) : null);
  const orgKey = `org:${tree.org.id}`;
  return [
    { key: orgKey, scope: 'org', name: tree.org.slug, parentKey: null, runRateMicros: BigInt(tree.org.runRateMicros), capMicros: cap(tree.org.budget) },
    ...tree.teams.map((t) => ({
      key: `team:${t.id}`,
      scope: 'team' as const,
      name: t.slug,
      parentKey: t.parentId ? `team:${t.parentId}` : orgKey,
      runRateMicros: BigInt(t.runRateMicros),
      capMicros: cap(t.budget),
    })),
    ...tree.clusters.map((c) => ({
      key: `cluster:${c.id}`,
      scope: 'cluster' as const,
      name: c.name,
      parentKey: `team:${c.teamId}`,
      runRateMicros: BigInt(c.runRateMicros),
      capMicros: cap(c.budget),
    })),
  ];
}

/** "$1.00/mo · 5 % of $20.00/mo": what a cluster commits, against its own budget if it has one (clusters list). */
export function clusterCostText(cost: Pick<BudgetTreeDto['clusters'][number], 'runRate' | 'budget'>): string {
  const b = cost.budget;
  if (!b) return `${cost.runRate} · no budget`;
  // A zero cap has no percentage: anything above it is simply over.
  if (b.percent === null) return `${cost.runRate} · ${b.status === 'over' ? 'over its' : 'within its'} ${b.cap} budget`;
  return `${cost.runRate} · ${b.percent} % of ${b.cap}${b.status === 'over' ? ' (over)' : ''}`;
}
