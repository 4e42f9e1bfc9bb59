import type { DbOrTx } from '../shared.js';
import { type CostNodeRef, type ResolvedCostNode, resolveCostNode } from './cost-node.js';

export interface RunRatePoint {
  at: Date;
  runRateMicros: bigint;
}

export interface RunRateHistory {
  node: ResolvedCostNode;
  since: Date;
  /** The run-rate in force at `since` (the last snapshot before it; 0 when there is none). */
  startMicros: bigint;
  /** Every change of the node's run-rate after `since`, oldest first (the newest `limit` when there are more). */
  points: RunRatePoint[];
}

/** A node's run-rate over time, from the snapshot written with every change that moved it. */
export async function getRunRateHistory(db: DbOrTx, o: { orgId: string; node: CostNodeRef; since: Date; limit?: number }): Promise<RunRateHistory> {
  const node = await resolveCostNode(db, o.orgId, o.node);
  const limit = Math.min(Math.max(o.limit ?? 500, 1), 2000);
  if (!node.budgetId) return { node, since: o.since, startMicros: 0n, points: [] };
  const [before, rows] = await Promise.all([
    db.runRateSnapshot.findFirst({
      where: { orgId: o.orgId, budgetId: node.budgetId, at: { lt: o.since } },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      select: { runRateMicros: true },
    }),
    db.runRateSnapshot.findMany({
      where: { orgId: o.orgId, budgetId: node.budgetId, at: { gte: o.since } },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { at: true, runRateMicros: true },
    }),
  ]);
  return { node, since: o.since, startMicros: before?.runRateMicros ?? 0n, points: rows.reverse() };
}
