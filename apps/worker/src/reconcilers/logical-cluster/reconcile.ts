import type { Logger } from '@atrium/config';
import { commitLogicalClusterStatus, loadLogicalClusterForReconcile, type PrismaClient } from '@atrium/db';
import { describeApiError, type KcpClient } from '@atrium/kube';
import { ClusterEvents } from './events.js';
import { DELETE_CHAIN, PROVISION_CHAIN } from './steps.js';
import { type ReconcileContext, TerminalError } from './types.js';

export type ReconcileOutcome = { kind: 'settled' } | { kind: 'requeue'; afterMs: number; reason: string } | { kind: 'gone' };

export interface ReconcileDeps {
  prisma: PrismaClient;
  kcp: KcpClient;
  logger: Logger;
  waitBudgetMs?: number;
}

/**
 * One level-based pass over a logical cluster: read the row, run the chain
 * for its phase against the backend's actual state, commit the status once.
 * Safe to run any number of times, concurrently with itself, and after a crash
 * at any point: every step is an "ensure". Events about the pass are written
 * before the status commit, so a phase the console shows has its Event.
 */
export async function reconcileLogicalCluster(deps: ReconcileDeps, logicalClusterId: string): Promise<ReconcileOutcome> {
  const cluster = await loadLogicalClusterForReconcile(deps.prisma, logicalClusterId);
  if (!cluster) return { kind: 'gone' };
  const chain = cluster.phase === 'Deleting' ? DELETE_CHAIN : cluster.phase === 'Requested' || cluster.phase === 'Provisioning' ? PROVISION_CHAIN : undefined;
  if (!chain) return { kind: 'settled' };
  const logger = deps.logger.child({ logicalClusterId, kcpPath: cluster.kcpPath });
  const ctx: ReconcileContext = {
    cluster,
    prisma: deps.prisma,
    kcp: deps.kcp,
    status: { phase: cluster.phase },
    logger,
    waitBudgetMs: deps.waitBudgetMs ?? 3000,
    events: new ClusterEvents(deps.kcp, logger, cluster),
  };
  const from = { id: cluster.id, orgId: cluster.orgId, fromPhase: cluster.phase };
  let outcome: ReconcileOutcome = { kind: 'settled' };
  try {
    for (const step of chain) {
      const result = await step.run(ctx);
      if (result.kind === 'stop') break;
      if (result.kind === 'requeue') {
        ctx.status.message = result.reason;
        outcome = result;
        break;
      }
    }
  } catch (err) {
    const message = describeApiError(err);
    if (err instanceof TerminalError) {
      ctx.events.record('ProvisioningFailed', message, 'Warning');
      await ctx.events.flush();
      await commitLogicalClusterStatus(deps.prisma, from, { phase: 'Failed', message });
      return { kind: 'settled' };
    }
    // Keep the phase, show what went wrong, let the queue retry with backoff.
    ctx.events.record('ReconcileError', message, 'Warning');
    await ctx.events.flush();
    await commitLogicalClusterStatus(deps.prisma, from, { phase: ctx.status.phase, message });
    throw err;
  }
  await ctx.events.flush();
  const committed = await commitLogicalClusterStatus(deps.prisma, from, ctx.status);
  // The phase moved under us (e.g. a delete request): go round again at once.
  if (!committed) return { kind: 'requeue', afterMs: 0, reason: 'phase changed during reconcile' };
  return outcome;
}
