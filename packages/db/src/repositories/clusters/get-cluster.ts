import { AppError } from '@atrium/core';
import type { DbOrTx } from '../shared.js';
import { type ClusterRow, clusterInclude, toClusterRow } from './cluster-row.js';

/** One cluster of the org, tombstones included; another org's id is "not found". */
export async function getCluster(db: DbOrTx, o: { orgId: string; clusterId: string }): Promise<ClusterRow> {
  const row = await db.logicalCluster.findFirst({ where: { id: o.clusterId, orgId: o.orgId }, include: clusterInclude });
  if (!row) throw AppError.notFound('Cluster');
  const requester = row.requestedById
    ? await db.membership.findFirst({ where: { orgId: o.orgId, userId: row.requestedById }, select: { user: { select: { email: true } } } })
    : null;
  return toClusterRow(row, requester?.user.email ?? null);
}
