import { randomBytes } from 'node:crypto';
import { loadPriceBookSql, prismaSqlClient, releaseClusterCost } from '../cost-ledger.js';
import type { LogicalCluster, PrismaClient } from '../generated/prisma/client.js';
import type { LogicalClusterPhase } from '../generated/prisma/enums.js';
import { revokeClusterBackendTokens } from './backend-tokens/revoke-cluster-backend-tokens.js';
import { clusterBaseFeeMicros, openClusterCostNode } from './cost/cluster-cost-node.js';
import type { DbOrTx } from './shared.js';
import type { WorkspaceTypeTemplate } from './templates/template-workspace-type.js';

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
  /**
   * The cluster's template with what its WorkspaceType is made from. `orgId`/`orgSlug` are the
   * template's own org (null for a platform template), which decides where its type lives.
   */
  template: WorkspaceTypeTemplate & { orgId: string | null; orgSlug: string | null };
}

/** The joined row: the cluster's own fields as returned, the template's flattened. */
interface ReconcileRow extends Omit<LogicalClusterForReconcile, 'template'> {
  templateId: string;
  templateOrgId: string | null;
  templateOrgSlug: string | null;
  templateSlug: string;
  templateName: string;
  apiSets: string[];
  allowedRegions: string[];
  podSecurity: string;
  templateUpdatedAt: Date;
}

/**
 * Cluster, org, template (with the template's org) and requester in one statement: the reconcile
 * pass runs once per job, and each Prisma `include` or extra find was its own query and its own
 * trip through Prisma's query compiler (was 6 statements per pass).
 */
export async function loadLogicalClusterForReconcile(client: DbOrTx, id: string): Promise<LogicalClusterForReconcile | undefined> {
  const rows = await client.$queryRawUnsafe<ReconcileRow[]>(
    `select lc.id, lc."orgId", o.slug as "orgSlug", lc."teamId", lc.name, lc."kcpPath", lc.phase::text as phase, lc.url,
            lc."requestedById", u.email as "requestedByEmail",
            t.id as "templateId", t."orgId" as "templateOrgId", tor.slug as "templateOrgSlug", t.slug as "templateSlug",
            t.name as "templateName", t."apiSets", t."allowedRegions", t."podSecurity"::text as "podSecurity", t."updatedAt" as "templateUpdatedAt"
       from "LogicalCluster" lc
       join "Organization" o on o.id = lc."orgId"
       join "ClusterTemplate" t on t.id = lc."templateId"
       left join "Organization" tor on tor.id = t."orgId"
       left join "User" u on u.id = lc."requestedById"
      where lc.id = $1`,
    id,
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    orgId: r.orgId,
    orgSlug: r.orgSlug,
    teamId: r.teamId,
    name: r.name,
    kcpPath: r.kcpPath,
    phase: r.phase,
    url: r.url,
    requestedById: r.requestedById,
    requestedByEmail: r.requestedByEmail,
    template: {
      id: r.templateId,
      orgId: r.templateOrgId,
      orgSlug: r.templateOrgSlug,
      slug: r.templateSlug,
      name: r.templateName,
      apiSets: r.apiSets,
      allowedRegions: r.allowedRegions,
      podSecurity: r.podSecurity,
      updatedAt: new Date(r.templateUpdatedAt),
    },
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

const PATCH_COLUMNS = ['message', 'url', 'backendClusterId', 'readyAt', 'deletedAt'] as const;

/** The guarded status UPDATE as one statement; true when it matched the row (Prisma's updateMany took a transaction of its own). */
async function updateStatus(
  client: DbOrTx,
  where: { id: string; orgId: string; fromPhase: LogicalClusterPhase },
  patch: LogicalClusterStatusPatch,
): Promise<boolean> {
  // Timestamps travel as ISO strings and land as UTC wall time (how Prisma stores DateTime), whatever the session's time zone.
  const utc = (n: number) => `($${n}::timestamptz at time zone 'UTC')`;
  const values: unknown[] = [where.id, where.orgId, where.fromPhase, patch.phase, new Date().toISOString()];
  const sets = ['phase = $4::"LogicalClusterPhase"', `"updatedAt" = ${utc(5)}`];
  for (const column of PATCH_COLUMNS) {
    const value = patch[column];
    if (value === undefined) continue;
    values.push(value instanceof Date ? value.toISOString() : value);
    sets.push(`"${column}" = ${value instanceof Date ? utc(values.length) : `$${values.length}`}`);
  }
  const count = await client.$executeRawUnsafe(
    `update "LogicalCluster" set ${sets.join(', ')} where id = $1 and "orgId" = $2 and phase = $3::"LogicalClusterPhase"`,
    ...values,
  );
  return count === 1;
}

/**
 * The one status write per reconcile pass. Guarded by org id and by the phase
 * the pass started from, so a pass that raced with a delete request does not
 * resurrect the cluster: it returns false and the next pass sees the new phase.
 * A single conditional UPDATE is atomic on its own, so no transaction is opened for it.
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
  if (patch.phase !== 'Deleted') return updateStatus(client, where, patch);
  return client.$transaction(async (tx) => {
    const updated = await updateStatus(tx, where, patch);
    if (updated) await releaseClusterCost(prismaSqlClient(tx), where.id);
    return updated;
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
  await tx.$executeRawUnsafe(`select ${reconcileJobSql('$1::text', '$2::timestamptz')}`, logicalClusterId, (runAt ?? new Date()).toISOString());
}

/**
 * The one definition of a cluster's reconcile job, for the cluster whose id is the SQL expression
 * `idSql`: keyed by cluster, so a burst of enqueues for one cluster is one pending job.
 */
function reconcileJobSql(idSql: string, runAtSql: string): string {
  return `graphile_worker.add_job('${RECONCILE_LOGICAL_CLUSTER_TASK}', json_build_object('logicalClusterId', ${idSql}),
    job_key := 'lc:' || ${idSql}, run_at := ${runAtSql}, max_attempts := 25)`;
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

/** Ids in Prisma's cuid shape ('c' + 24 base-36 characters), for rows inserted by raw SQL. */
function newId(): string {
  const random = randomBytes(16).reduce((acc, b) => acc + (b % 36).toString(36), '');
  return `c${Date.now().toString(36).padStart(8, '0').slice(-8)}${random}`;
}

/**
 * Records a cluster request (phase Requested), its cost node with the base fee charged up
 * its path, and its provisioning job atomically: either all happen or none, so no
 * request is lost, no job points at a missing row and no cluster exists outside the cost
 * tree. Given a transaction client it joins that transaction (the console's request verb
 * checks policy and writes its audit event in the same one).
 *
 * Most clusters are free (no template fee, no `cluster-month` rule): for them the row, the
 * cost node and the job are one INSERT … statement, atomic without a transaction (was BEGIN,
 * five statements and COMMIT). That statement inserts only if the fee, priced with the book
 * read just before, is zero; a priced cluster takes the transactional path that locks its cost
 * path and charges the fee (`openClusterCostNode`). Reading the book outside the transaction
 * sees nothing older than reading it inside would: both are read-committed snapshots taken
 * after the request arrived.
 */
export async function createLogicalClusterRequest(client: PrismaClient | TransactionClient, input: NewLogicalClusterRequest): Promise<LogicalCluster> {
  const at = new Date();
  const labels = input.labels ?? {};
  const book = await loadPriceBookSql(prismaSqlClient(client), input.orgId, at);
  const feeByRules = clusterBaseFeeMicros(book, { name: input.name, labels, regions: input.regions, templateBaseFeeMicros: 0n });
  const row: LogicalCluster = {
    id: newId(),
    orgId: input.orgId,
    teamId: input.teamId,
    name: input.name,
    kcpPath: input.kcpPath,
    phase: 'Requested',
    message: null,
    templateId: input.templateId,
    regions: input.regions,
    labels,
    requestedById: input.requestedById ?? null,
    backendClusterId: null,
    url: null,
    createdAt: at,
    updatedAt: at,
    readyAt: null,
    deletedAt: null,
  };
  if (feeByRules === 0n) {
    const [result] = await client.$queryRawUnsafe<Array<{ fee: string; inserted: number }>>(
      `with t as (
         select "baseFeeMicros" as fee from "ClusterTemplate" where id = $6
       ), lc as (
         insert into "LogicalCluster" (id, "orgId", "teamId", name, "kcpPath", phase, "templateId", regions, labels, "requestedById", "createdAt", "updatedAt")
         select $1, $2, $3, $4, $5, 'Requested', $6, $7::text[], $8::jsonb, $9, ($10::timestamptz at time zone 'UTC'), ($10::timestamptz at time zone 'UTC')
           from t where t.fee = 0
         returning id, "orgId"
       ), node as (
         insert into "Budget" (id, "orgId", scope, "logicalClusterId", "capMicros", "createdAt", "updatedAt")
         select $11, lc."orgId", 'cluster', lc.id, $12::bigint, ($10::timestamptz at time zone 'UTC'), ($10::timestamptz at time zone 'UTC') from lc
         returning id
       ), job as (
         select ${reconcileJobSql('lc.id', 'now()')} from lc
       )
       select t.fee::text as fee, ((select count(*) from job) + (select count(*) from node))::int as inserted from t`,
      row.id,
      row.orgId,
      row.teamId,
      row.name,
      row.kcpPath,
      row.templateId,
      row.regions,
      JSON.stringify(labels),
      row.requestedById,
      at.toISOString(),
      newId(),
      input.capMicros == null ? null : input.capMicros.toString(),
    );
    if (!result) throw new Error(`cluster template ${input.templateId} does not exist`);
    if (result.inserted === 2) return row;
    if (BigInt(result.fee) === 0n) throw new Error(`cluster ${input.kcpPath} was not recorded`);
  }
  // A priced cluster: the row, its node with the fee charged up the path, and the job in one transaction.
  // A burst of requests queues for pool connections: wait for one rather than fail after
  // Prisma's default 2 s (the request is cheap once it has a connection).
  if ('$transaction' in client)
    return client.$transaction((tx) => createPricedLogicalCluster(tx, row, input.capMicros ?? null), { maxWait: 30_000, timeout: 30_000 });
  return createPricedLogicalCluster(client, row, input.capMicros ?? null);
}

async function createPricedLogicalCluster(tx: TransactionClient, row: LogicalCluster, capMicros: bigint | null): Promise<LogicalCluster> {
  const { id, orgId, teamId, name, kcpPath, templateId, regions, requestedById, createdAt } = row;
  const created = await tx.logicalCluster.create({
    data: { id, orgId, teamId, name, kcpPath, templateId, regions, labels: row.labels ?? {}, requestedById, phase: 'Requested', createdAt },
  });
  await openClusterCostNode(tx, created, capMicros);
  await enqueueReconcile(tx, created.id);
  return created;
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
