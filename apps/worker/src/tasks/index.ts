import { consoleUrl, env, type Logger } from '@atrium/config';
import {
  BUDGET_ALERT_NOTIFY_TASK,
  enqueueReconcile,
  listUnsettledLogicalClusterIds,
  type PrismaClient,
  RECONCILE_LOGICAL_CLUSTER_TASK,
  SYNC_TEMPLATE_WORKSPACE_TYPE_TASK,
} from '@atrium/db';
import type { KcpClient } from '@atrium/kube';
import type { TaskList } from 'graphile-worker';
import { z } from 'zod';
import { reconcileLogicalCluster } from '../reconcilers/logical-cluster/reconcile.js';
import { notifyBudgetAlert } from './budget-alert-notify.js';
import { type Mailer, smtpMailer } from './mailer.js';
import { syncTemplateWorkspaceType } from './template-workspace-type.js';

export interface TaskDeps {
  logger: Logger;
  prisma: PrismaClient;
  kcp: KcpClient;
  waitBudgetMs?: number;
  /** Outgoing mail; default: SMTP to ATRIUM_SMTP_HOST:ATRIUM_SMTP_PORT. */
  mailer?: Mailer;
  /** The console's public URL for links in mail; default from the environment. */
  consoleUrl?: string;
}

export const RESYNC_TASK = 'logical-cluster-resync';
/** Level-based safety net: every minute, every unsettled cluster gets a pass. */
export const CRONTAB = `* * * * * ${RESYNC_TASK}`;

/**
 * graphile-worker settings shared by the worker process and the provisioning bench. New jobs arrive by
 * LISTEN/NOTIFY, so the poll is only a fallback. A burst of requests is fetched and locked a few jobs per
 * query (localQueue) and completions in the same tick share one statement (completeJobBatchDelay 0), instead
 * of one fetch and one delete per job. A worker killed with jobs in its local queue leaves them locked like a
 * running job; the start-up resync re-enqueues every unsettled cluster either way.
 */
export function workerRunOptions(concurrency: number) {
  return {
    concurrency,
    maxPoolSize: Math.max(10, concurrency),
    noHandleSignals: true,
    pollInterval: 1000,
    preset: { worker: { localQueue: { size: concurrency }, completeJobBatchDelay: 0 } },
  };
}

const reconcilePayload = z.object({ logicalClusterId: z.string().min(1) });

/** Every job the worker runs, by name. Payloads are zod-parsed: a bad one fails loudly, never half-runs. */
export function taskList(deps: TaskDeps): TaskList {
  let mailer = deps.mailer;
  const mail = () => {
    if (!mailer) {
      const e = env();
      mailer = smtpMailer({ host: e.ATRIUM_SMTP_HOST, port: e.ATRIUM_SMTP_PORT, from: e.ATRIUM_MAIL_FROM });
    }
    return mailer;
  };
  return {
    [RECONCILE_LOGICAL_CLUSTER_TASK]: async (payload) => {
      const { logicalClusterId } = reconcilePayload.parse(payload);
      const outcome = await reconcileLogicalCluster(deps, logicalClusterId);
      if (outcome.kind === 'requeue') await enqueueReconcile(deps.prisma, logicalClusterId, new Date(Date.now() + outcome.afterMs));
    },
    [SYNC_TEMPLATE_WORKSPACE_TYPE_TASK]: async (payload) => {
      const outcome = await syncTemplateWorkspaceType(deps, payload);
      deps.logger.debug({ payload, outcome }, 'template WorkspaceType sync');
    },
    [BUDGET_ALERT_NOTIFY_TASK]: async (payload) => {
      const result = await notifyBudgetAlert({ prisma: deps.prisma, mailer: mail(), consoleUrl: deps.consoleUrl ?? consoleUrl() }, payload);
      deps.logger.info({ payload, ...result }, 'budget alert');
    },
    [RESYNC_TASK]: async () => {
      for (const id of await listUnsettledLogicalClusterIds(deps.prisma)) await enqueueReconcile(deps.prisma, id);
    },
  };
}
