import { prismaSqlClient, releaseClusterCost } from '../cost-ledger.js';
import type { LogicalCluster, PrismaClient } from '../generated/prisma/client.js';
import type { LogicalClusterPhase } from '../generated/prisma/enums.js';
import { revokeClusterBackendTokens } from './backend-tokens/revoke-cluster-backend-tokens.js';
import { openClusterCostNode } from './cost/cluster-cost-node.js';

/** graphile-worker task that reconciles one logical cluster. */
export const RECONCILE_LOGICAL_CLUSTER_TASK = 'logical-cluster-reconcile';

/** What the provisioning reconciler needs to know about a cluster, loaded in one query. */
export interface LogicalClusterForReconcile {
  id: string;
  orgId: string;
  orgSlug: string;
  teamId: string;
  name: string;
  kcpPath: string;
  phase: LogicalClusterPhase;
  url: string | null;
  requestedById: string | null;
  requestedByEmail: string | null;
  template: { slug: string; podSecurity: string; apiSets: string[] };
}

export async function loadLogicalClusterForReconcile(client: PrismaClient, id: string): Promise<LogicalClusterForReconcile | undefined> {
  const row = await client.logicalCluster.findUnique({
    where: { id },
    include: { org: { select: { slug: true } }, template: { select: { slug: true, podSecurity: true, apiSets: true } } },
  });
  if (!row) return undefined;
  const requester = row.requestedById ? await client.user.findUnique({ where: { id: row.requestedById }, select: { email: true } }) : null;
  return {
    id: row.id,
    orgId: row.orgId,
    orgSlug: row.org.slug,
    teamId: row.teamId,
    name: row.name,
    kcpPath: row.kcpPath,
    phase: row.phase,
    url: row.url,
    requestedById: row.requestedById,
    requestedByEmail: requester?.email ?? null,
    template: { slug: row.template.slug, podSecurity: row.template.podSecurity, apiSets: row.template.apiSets },
  };
}

export interface LogicalClusterStatusPatch {
  phase: LogicalClusterPhase;
  message?: string | null;
  url?: string | null;
  backendClusterId?: string | null;
  readyAt?: Date | null;
  deletedAt?: Date | null;
}

/**
 * The one status write per reconcile pass. Guarded by org id and by the phase
 * the pass started from, so a pass that raced with a delete request does not
 * resurrect the cluster: it returns false and the next pass sees the new phase.
 *
 * The tombstone (phase Deleted) releases the cluster's run-rate from its team and org
 * nodes in the same transaction, so a crash can never leave a deleted cluster's cost
 * counted against a live budget.
 */
export async function commitLogicalClusterStatus(
  client: PrismaClient,
  where: { id: string; orgId: string; fromPhase: LogicalClusterPhase },
  patch: LogicalClusterStatusPatch,
): Promise<boolean> {
  const guard = { id: where.id, orgId: where.orgId, phase: where.fromPhase };
  if (patch.phase !== 'Deleted') {
    const { count } = await client.logicalCluster.updateMany({ where: guard, data: patch });
    return count === 1;
  }
  return client.$transaction(async (tx) => {
    const { count } = await tx.logicalCluster.updateMany({ where: guard, data: patch });
    if (count === 1) await releaseClusterCost(prismaSqlClient(tx), where.id);
    return count === 1;
  });
}

/** Ids of clusters not in a terminal phase: the periodic resync re-enqueues them (level-based). */
export async function listUnsettledLogicalClusterIds(client: PrismaClient): Promise<string[]> {
  const rows = await client.logicalCluster.findMany({ where: { phase: { in: ['Requested', 'Provisioning', 'Deleting'] } }, select: { id: true } });
  return rows.map((r) => r.id);
}

type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Enqueues a reconcile of `logicalClusterId` inside the caller's transaction,
 * deduplicated by job key: many requests collapse into one pending job.
 */
export async function enqueueReconcile(tx: TransactionClient | PrismaClient, logicalClusterId: string, runAt?: Date): Promise<void> {
  await tx.$executeRaw`select graphile_worker.add_job(
    ${RECONCILE_LOGICAL_CLUSTER_TASK}::text,
    json_build_object('logicalClusterId', ${logicalClusterId}::text),
    job_key := ${`lc:${logicalClusterId}`}::text,
    run_at := ${runAt ?? new Date()}::timestamptz,
    max_attempts := 25
  )`;
}

export interface NewLogicalClusterRequest {
  orgId: string;
  teamId: string;
  name: string;
  kcpPath: string;
  templateId: string;
  regions: string[];
  labels?: Record<string, string>;
  requestedById?: string;
  /** The cluster's own monthly cap; null or absent = no budget on the cluster node. */
  capMicros?: bigint | null;
}

/**
 * Records a cluster request (phase Requested), its cost node with the base fee charged up
 * its path, and its provisioning job in one transaction: either all happen or none, so no
 * request is lost, no job points at a missing row and no cluster exists outside the cost
 * tree. Given a transaction client it joins that transaction (the console's request verb
 * checks policy and writes its audit event in the same one).
 */
export async function createLogicalClusterRequest(client: PrismaClient | TransactionClient, input: NewLogicalClusterRequest): Promise<LogicalCluster> {
  // A burst of requests queues for pool connections: wait for one rather than fail after
  // Prisma's default 2 s (the request is cheap once it has a connection).
  if ('$transaction' in client) return client.$transaction((tx) => createLogicalClusterRequest(tx, input), { maxWait: 30_000, timeout: 30_000 });
  const tx = client;
  const row = await tx.logicalCluster.create({
    data: {
      orgId: input.orgId,
      teamId: input.teamId,
      name: input.name,
      kcpPath: input.kcpPath,
      templateId: input.templateId,
      regions: input.regions,
      labels: input.labels ?? {},
      requestedById: input.requestedById ?? null,
      phase: 'Requested',
    },
  });
  await openClusterCostNode(tx, row, input.capMicros ?? null);
  await enqueueReconcile(tx, row.id);
  return row;
}

/**
 * Marks a cluster for deletion, enqueues the reconcile and revokes its kubeconfig tokens, in one transaction.
 * Scoped by org: a foreign id matches nothing and answers false, like a missing one.
 */
export async function requestLogicalClusterDeletion(client: PrismaClient, where: { orgId: string; id: string }): Promise<boolean> {
  return client.$transaction(async (tx) => {
    const { count } = await tx.logicalCluster.updateMany({
      where: { id: where.id, orgId: where.orgId, phase: { in: ['Requested', 'Provisioning', 'Ready', 'Failed'] } },
      data: { phase: 'Deleting', message: null },
    });
    if (count === 1) {
      await enqueueReconcile(tx, where.id);
      // Nobody reaches a cluster being deleted, and its path may be taken again by a new cluster later.
      const row = await tx.logicalCluster.findFirst({ where: { id: where.id, orgId: where.orgId }, select: { kcpPath: true } });
      if (row) await revokeClusterBackendTokens(tx, row.kcpPath);
    }
    return count === 1;
  });
}
