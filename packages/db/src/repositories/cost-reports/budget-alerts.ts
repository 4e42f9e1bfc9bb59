import type { Prisma } from '../../generated/prisma/client.js';
import type { DbOrTx } from '../shared.js';
import { type CostNodeRef, type ResolvedCostNode, resolveCostNode } from './cost-node.js';

export interface BudgetAlertRow {
  id: string;
  scope: 'org' | 'team' | 'cluster';
  /** Org slug, team slug or cluster name. */
  nodeName: string;
  thresholdPercent: number;
  runRateMicros: bigint;
  capMicros: bigint;
  createdAt: Date;
  notifiedAt: Date | null;
  /**
   * The crossing is still current: this is the node's latest alert and the node has not
   * dropped back below the threshold since. The console's notice shows only these.
   */
  active: boolean;
}

/** Budget alerts of a node and every node under it, newest first. */
export async function listBudgetAlerts(
  db: DbOrTx,
  o: { orgId: string; node: CostNodeRef; limit?: number },
): Promise<{ node: ResolvedCostNode; alerts: BudgetAlertRow[] }> {
  const node = await resolveCostNode(db, o.orgId, o.node);
  const limit = Math.min(Math.max(o.limit ?? 50, 1), 200);
  if (node.budgetIds.length === 0) return { node, alerts: [] };
  const rows = await db.budgetAlert.findMany({
    where: { orgId: o.orgId, budgetId: { in: node.budgetIds } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    include: ALERT_INCLUDE,
  });
  return { node, alerts: toAlertRows(rows) };
}

/**
 * The org's current crossings (alerts still active), newest first: what the console's notice
 * shows admins on every org page. One query on the org's recent alerts, no tree walk.
 */
export async function listCurrentBudgetAlerts(db: DbOrTx, o: { orgId: string; limit?: number }): Promise<BudgetAlertRow[]> {
  const rows = await db.budgetAlert.findMany({
    where: { orgId: o.orgId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(o.limit ?? 50, 1), 200),
    include: ALERT_INCLUDE,
  });
  return toAlertRows(rows).filter((a) => a.active);
}

const ALERT_INCLUDE = {
  budget: {
    select: {
      scope: true,
      alertedPercent: true,
      org: { select: { slug: true } },
      team: { select: { slug: true } },
      logicalCluster: { select: { name: true } },
    },
  },
} as const;

type AlertWithBudget = Prisma.BudgetAlertGetPayload<{ include: typeof ALERT_INCLUDE }>;

/** Rows newest first; only a node's latest alert can be current, and only while its run-rate stays above it. */
function toAlertRows(rows: AlertWithBudget[]): BudgetAlertRow[] {
  const latest = new Set<string>();
  return rows.map((r) => {
    const first = !latest.has(r.budgetId);
    latest.add(r.budgetId);
    const b = r.budget;
    return {
      id: r.id,
      scope: b.scope,
      nodeName: b.scope === 'cluster' ? (b.logicalCluster?.name ?? '?') : b.scope === 'team' ? (b.team?.slug ?? '?') : b.org.slug,
      thresholdPercent: r.thresholdPercent,
      runRateMicros: r.runRateMicros,
      capMicros: r.capMicros,
      createdAt: r.createdAt,
      notifiedAt: r.notifiedAt,
      active: first && b.alertedPercent >= r.thresholdPercent,
    };
  });
}
