import { AppError, formatMonthlyMicros, subtreeIds } from '@atrium/core';
import type { Budget as BudgetRow } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, lockOrg } from '../shared.js';

export type BudgetTarget = { scope: 'org' } | { scope: 'team'; teamId: string } | { scope: 'cluster'; clusterId: string };

export interface SetBudgetResult {
  scope: 'org' | 'team' | 'cluster';
  /** The org, team or cluster id. */
  id: string;
  before: { capMicros: bigint; committedMicros: bigint } | null;
  after: { capMicros: bigint; committedMicros: bigint } | null;
}

/**
 * Sets (or, with `capMicros` null, clears) the monthly cap of the org, a team or a live cluster.
 *
 * A cap below what is already committed is allowed (from then on admission takes only changes
 * that lower cost), and a child's cap may exceed its parent's: admission checks every ancestor.
 * A cluster's cap stays within its template's maximum, as it did when the cluster was requested.
 *
 * A new budget starts from the run-rate already known under it: for a team or the org, the
 * committed amounts of the cluster budgets in its subtree. A cluster without a budget has no
 * run-rate row, so a cluster budget created later starts at 0 until the API server's run-rate
 * check recomputes it.
 */
export async function setBudget(db: Db, o: { orgId: string; actor: Actor; target: BudgetTarget; capMicros: bigint | null }): Promise<SetBudgetResult> {
  if (o.capMicros !== null && o.capMicros < 0n) throw new AppError('VALIDATION_FAILED', 'A budget cannot be negative.');
  return db.$transaction(async (tx) => {
    // Serialises budget edits of one org: the org/team/cluster uniques allow a NULL id twice.
    await lockOrg(tx, o.orgId);
    const t = o.target;
    let nodeId: string;
    let existing: BudgetRow | null;
    let inheritedMicros = 0n;
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
      existing = await tx.budget.findFirst({ where: { orgId: o.orgId, scope: 'cluster', logicalClusterId: cluster.id } });
    } else {
      let teamIds: Set<string> | null = null;
      if (t.scope === 'team') {
        const teams = await tx.team.findMany({ where: { orgId: o.orgId }, select: { id: true, parentId: true } });
        if (!teams.some((x) => x.id === t.teamId)) throw AppError.notFound('Team');
        nodeId = t.teamId;
        teamIds = subtreeIds(teams, t.teamId);
        existing = await tx.budget.findFirst({ where: { orgId: o.orgId, scope: 'team', teamId: t.teamId } });
      } else {
        nodeId = o.orgId;
        existing = await tx.budget.findFirst({ where: { orgId: o.orgId, scope: 'org' } });
      }
      if (!existing && o.capMicros !== null) {
        const under = await tx.budget.findMany({
          where: {
            orgId: o.orgId,
            scope: 'cluster',
            logicalCluster: { phase: { not: 'Deleted' }, ...(teamIds ? { teamId: { in: [...teamIds] } } : {}) },
          },
          select: { committedMicros: true },
        });
        inheritedMicros = under.reduce((sum, b) => sum + b.committedMicros, 0n);
      }
    }

    const before = existing ? { capMicros: existing.capMicros, committedMicros: existing.committedMicros } : null;
    let after: SetBudgetResult['after'] = null;
    if (o.capMicros === null) {
      if (existing) await tx.budget.delete({ where: { id: existing.id } });
    } else if (existing) {
      const updated = await tx.budget.update({ where: { id: existing.id }, data: { capMicros: o.capMicros } });
      after = { capMicros: updated.capMicros, committedMicros: updated.committedMicros };
    } else {
      const created = await tx.budget.create({
        data: {
          orgId: o.orgId,
          scope: t.scope,
          ...(t.scope === 'team' ? { teamId: t.teamId } : {}),
          ...(t.scope === 'cluster' ? { logicalClusterId: t.clusterId } : {}),
          capMicros: o.capMicros,
          committedMicros: inheritedMicros,
        },
      });
      after = { capMicros: created.capMicros, committedMicros: created.committedMicros };
    }

    if (before?.capMicros !== after?.capMicros) {
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
