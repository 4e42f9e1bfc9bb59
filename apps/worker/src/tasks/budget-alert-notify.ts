import { formatMonthlyMicros } from '@atrium/core';
import { type BudgetAlertNotice, type NotifyOutcome, notifyBudgetAlertOnce, type PrismaClient } from '@atrium/db';
import { z } from 'zod';
import { escapeHtml, type Mailer, type OutgoingMail } from './mailer.js';

export const budgetAlertPayload = z.object({ alertId: z.string().min(1) });

export interface BudgetAlertDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  /** The console's public URL, for the link to the cost page. */
  consoleUrl: string;
}

/** "team payments", "cluster dev", "org acme": how budget messages name a node. */
function label(n: BudgetAlertNotice['node']): string {
  return `${n.scope} ${n.name}`;
}

/** The mail for one recipient. */
export function budgetAlertMail(notice: BudgetAlertNotice, to: string, consoleUrl: string): OutgoingMail {
  const cap = formatMonthlyMicros(notice.capMicros);
  const runRate = formatMonthlyMicros(notice.runRateMicros);
  const percent = notice.capMicros > 0n ? `${(notice.runRateMicros * 100n) / notice.capMicros}%` : 'over';
  const subject = `Budget alert: ${label(notice.node)} at ${notice.thresholdPercent}% of ${cap}`;
  const where = notice.node.kcpPath ? ` (${notice.node.kcpPath})` : '';
  const intro = `The run-rate of ${label(notice.node)}${where} in ${notice.org.name} is now ${runRate}: ${percent} of its ${cap} budget, past the ${notice.thresholdPercent}% mark.`;
  const outro =
    notice.thresholdPercent >= 100
      ? 'The budget is used up: the API server now refuses every change that would raise its cost. Raise the budget or remove something to make room.'
      : 'At 100% the API server refuses every change that would raise its cost. You get this mail once per crossing.';
  const url = `${consoleUrl.replace(/\/+$/, '')}/o/${encodeURIComponent(notice.org.slug)}/cost`;
  const text = `${intro}\n\n${outro}\n\nCost page: ${url}\n\n— Atrium`;
  const html = `<div style="font-family:system-ui,sans-serif;max-width:520px;margin:auto;color:#1b1f24">
<p>${escapeHtml(intro)}</p>
<p>${escapeHtml(outro)}</p>
<p><a href="${escapeHtml(url)}">Open the cost page</a></p></div>`;
  return { to, subject, text, html };
}

/**
 * `budget-alert-notify`: mails a budget alert to the node's admins, once. Idempotent: an alert
 * already notified (a retried or duplicated job) sends nothing.
 */
export async function notifyBudgetAlert(deps: BudgetAlertDeps, payload: unknown): Promise<{ outcome: NotifyOutcome; sent: number }> {
  const { alertId } = budgetAlertPayload.parse(payload);
  let sent = 0;
  const outcome = await notifyBudgetAlertOnce(deps.prisma, alertId, async (notice) => {
    for (const r of notice.recipients) {
      await deps.mailer.send(budgetAlertMail(notice, r.email, deps.consoleUrl));
      sent += 1;
    }
  });
  return { outcome, sent };
}
