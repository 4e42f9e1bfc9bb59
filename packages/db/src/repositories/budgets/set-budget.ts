import { AppError, formatMonthlyMicros, reachedThreshold, subtreeIds } from '@atrium/core';
import type { Budget as BudgetRow } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, lockOrg, type Tx } from '../shared.js';

export type BudgetTarget = { scope: 'org' } | { scope: 'team'; teamId: string } | { scope: 'cluster'; clusterId: string };

export interface SetBudgetResult {
  scope: 'org' | 'team' | 'cluster';
  /** The org, team or cluster id. */
  id: string;
  /** Null when the node had (or now has) no cap. */
  before: { capMicros: bigint; committedMicros: bigint } | null;
  after: { capMicros: bigint; committedMicros: bigint } | null;
}

/**
 * Sets (or, with `capMicros` null, clears) the monthly cap on the cost node of the org, a team
 * or a live cluster. The node itself always exists and keeps its run-rate either way.
 *
 * A cap below what is already committed is allowed (from then on admission takes only changes
 * that lower cost), and a child's cap may exceed its parent's: admission checks every ancestor.
 * A cluster's cap stays within its template's maximum, as it did when the cluster was requested.
 *
 * The alert state restarts from the new cap: the thresholds the run-rate already reaches count
 * as announced (the admin setting the cap sees them in the console), so the next alert goes out
 * when the run-rate crosses a higher one.
 */
export async function setBudget(db: Db, o: { orgId: string; actor: Actor; target: BudgetTarget; capMicros: bigint | null }): Promise<SetBudgetResult> {
  if (o.capMicros !== null && o.capMicros < 0n) throw new AppError('VALIDATION_FAILED', 'A budget cannot be negative.');
  return db.$transaction(async (tx) => {
    // Serialises budget edits of one org (and the creation of a missing node).
    await lockOrg(tx, o.orgId);
    const t = o.target;
    let nodeId: string;
    if (t.scope === 'cluster') {
      const cluster = await tx.logicalCluster.findFirst({
        where: { id: t.clusterId, orgId: o.orgId, phase: { not: 'Deleted' } },
        select: { id: true, name: true, template: { select: { slug: true, maxBudgetMicros: true } } },
      });
      if (!cluster) throw AppError.notFound('Cluster');
      const max = cluster.template.maxBudgetMicros;
      if (o.capMicros !== null && max !== null && o.capMicros > max) {
        throw new AppError('VALIDATION_FAILED', `Template \`${cluster.template.slug}\` allows at most ${formatMonthlyMicros(max)} per cluster.`, {
          details: { fields: { capMicros: [`At most ${formatMonthlyMicros(max)} for this template.`] } },
        });
      }
      nodeId = cluster.id;
    } else if (t.scope === 'team') {
      if (!(await tx.team.findFirst({ where: { id: t.teamId, orgId: o.orgId }, select: { id: true } }))) throw AppError.notFound('Team');
      nodeId = t.teamId;
    } else {
      nodeId = o.orgId;
    }

    const node = await costNodeOf(tx, o.orgId, t);
    // Locked after the org row, like every console-side cost write; admission locks Budget rows only.
    await tx.$queryRaw`select id from "Budget" where id = ${node.id} for update`;
    const current = await tx.budget.findUniqueOrThrow({ where: { id: node.id } });
    const view = (cap: bigint | null) => (cap === null ? null : { capMicros: cap, committedMicros: current.committedMicros });
    const before = view(current.capMicros);
    if (current.capMicros !== o.capMicros) {
      await tx.budget.update({
        where: { id: node.id },
        data: { capMicros: o.capMicros, alertedPercent: reachedThreshold(o.capMicros, current.committedMicros) },
      });
    }
    const after = view(o.capMicros);

    if (current.capMicros !== o.capMicros) {
      const audit = (v: SetBudgetResult['after']) => (v ? { capMicros: v.capMicros.toString(), committedMicros: v.committedMicros.toString() } : null);
      await recordAuditEvent(tx, {
        orgId: o.orgId,
        actor: o.actor,
        action: after ? 'budget.set' : 'budget.clear',
        targetType: `${t.scope}-budget`,
        targetId: nodeId,
        before: audit(before),
        after: audit(after),
      });
    }
    return { scope: t.scope, id: nodeId, before, after };
  });
}

/**
 * The target's cost node. Every org, team and live cluster gets one when it is created; a
 * node missing anyway (rows made before cost nodes, or by hand) is created here with the
 * run-rate recorded under it, so it starts right rather than at 0.
 */
async function costNodeOf(tx: Tx, orgId: string, t: BudgetTarget): Promise<BudgetRow> {
  const where =
    t.scope === 'org'
      ? { orgId, scope: 'org' as const }
      : t.scope === 'team'
        ? { orgId, scope: 'team' as const, teamId: t.teamId }
        : { orgId, scope: 'cluster' as const, logicalClusterId: t.clusterId };
  const existing = await tx.budget.findFirst({ where });
  if (existing) return existing;
  let clusterFilter: { id?: string; teamId?: { in: string[] } } = {};
  if (t.scope === 'cluster') clusterFilter = { id: t.clusterId };
  if (t.scope === 'team') {
    const teams = await tx.team.findMany({ where: { orgId }, select: { id: true, parentId: true } });
    clusterFilter = { teamId: { in: [...subtreeIds(teams, t.teamId)] } };
  }
  const recorded = await tx.objectPrice.aggregate({
    where: { orgId, logicalCluster: { phase: { not: 'Deleted' }, ...clusterFilter } },
    _sum: { priceMicros: true },
  });
  return tx.budget.create({
    data: {
      ...where,
      capMicros: null,
      committedMicros: recorded._sum.priceMicros ?? 0n,
    },
  });
}
