import { can, isRole } from '@atrium/core';
import type { CostNodeScope } from '../../cost-ledger.js';
import type { Db } from '../shared.js';

/** A budget alert as its mail needs it. */
export interface BudgetAlertNotice {
  id: string;
  org: { id: string; slug: string; name: string };
  /** The node whose budget was crossed: cluster name, team slug or org slug, as admission names budgets. */
  node: { scope: CostNodeScope; name: string; kcpPath: string | null };
  thresholdPercent: number;
  runRateMicros: bigint;
  capMicros: bigint;
  createdAt: Date;
  /** Who gets the mail: the people who may set that budget, one entry per address. */
  recipients: Array<{ email: string; name: string | null }>;
}

export type NotifyOutcome = 'sent' | 'already-notified' | 'missing';

/**
 * Mails a budget alert once. The alert row is locked for the whole call, so two runs of the
 * job (a retry racing a slow first attempt) cannot both send: the second waits and finds
 * `notifiedAt` set. `send` runs inside the transaction; if it throws, nothing is marked and the
 * job retries (an address that already got the mail may then get it twice: at least once).
 *
 * Recipients are the node's admins: the org's members who may set budgets (owners, admins).
 * Team membership carries no role of its own, so for a team or cluster node they are the same
 * people; billing and developers read cost pages but do not decide budgets.
 */
export async function notifyBudgetAlertOnce(db: Db, alertId: string, send: (notice: BudgetAlertNotice) => Promise<void>): Promise<NotifyOutcome> {
  return db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`select id from "BudgetAlert" where id = ${alertId} for update`;
      if (locked.length === 0) return 'missing';
      const alert = await tx.budgetAlert.findUniqueOrThrow({
        where: { id: alertId },
        include: {
          budget: {
            include: {
              org: { select: { id: true, slug: true, name: true } },
              team: { select: { slug: true } },
              logicalCluster: { select: { name: true, kcpPath: true } },
            },
          },
        },
      });
      if (alert.notifiedAt) return 'already-notified';
      const b = alert.budget;
      const members = await tx.membership.findMany({
        where: { orgId: alert.orgId },
        select: { role: true, user: { select: { email: true, name: true } } },
        orderBy: { createdAt: 'asc' },
      });
      const recipients = new Map<string, { email: string; name: string | null }>();
      for (const m of members) {
        if (isRole(m.role) && can(m.role, 'budget:write') && !recipients.has(m.user.email.toLowerCase())) {
          recipients.set(m.user.email.toLowerCase(), { email: m.user.email, name: m.user.name });
        }
      }
      const name = b.scope === 'org' ? b.org.slug : b.scope === 'team' ? (b.team?.slug ?? '') : (b.logicalCluster?.name ?? '');
      await send({
        id: alert.id,
        org: b.org,
        node: { scope: b.scope, name, kcpPath: b.logicalCluster?.kcpPath ?? null },
        thresholdPercent: alert.thresholdPercent,
        runRateMicros: alert.runRateMicros,
        capMicros: alert.capMicros,
        createdAt: alert.createdAt,
        recipients: [...recipients.values()],
      });
      await tx.budgetAlert.update({ where: { id: alert.id }, data: { notifiedAt: new Date() } });
      return 'sent';
    },
    // Mail to a slow relay takes seconds; Prisma's default 5 s would abort the transaction.
    { timeout: 60_000, maxWait: 10_000 },
  );
}
