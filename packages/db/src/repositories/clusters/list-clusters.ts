import type { DbOrTx } from '../shared.js';
import { type ClusterRow, clusterInclude, toClusterRow } from './cluster-row.js';

/** The org's clusters, newest first; deleted ones (tombstones) only when asked for. */
export async function listClusters(db: DbOrTx, o: { orgId: string; teamId?: string | undefined; includeDeleted?: boolean }): Promise<ClusterRow[]> {
  const rows = await db.logicalCluster.findMany({
    where: { orgId: o.orgId, ...(o.teamId ? { teamId: o.teamId } : {}), ...(o.includeDeleted ? {} : { phase: { not: 'Deleted' } }) },
    include: clusterInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: 500,
  });
  const requesterIds = [...new Set(rows.map((r) => r.requestedById).filter((id): id is string => id !== null))];
  // Requesters by membership of this org: a person who left shows as unknown, not by email.
  const requesters = requesterIds.length
    ? await db.membership.findMany({ where: { orgId: o.orgId, userId: { in: requesterIds } }, select: { userId: true, user: { select: { email: true } } } })
    : [];
  const emails = new Map(requesters.map((m) => [m.userId, m.user.email]));
  return rows.map((r) => toClusterRow(r, r.requestedById ? (emails.get(r.requestedById) ?? null) : null));
}
