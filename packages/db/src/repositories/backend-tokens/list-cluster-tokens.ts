import { mayManageOthersClusterTokens, type Role } from '@atrium/core';
import type { Db } from '../shared.js';
import { backendTokensTableExists, type ClusterTokenRow, findTokenCluster, type RawTokenRow, toClusterTokenRow } from './backend-token-row.js';

/**
 * The kubeconfig tokens issued for one cluster, newest first, revoked ones included (with when):
 * the caller's own, or everyone's for owners and admins. Other people's tokens are simply not listed.
 */
export async function listClusterTokens(db: Db, o: { orgId: string; clusterId: string; role: Role; email: string }): Promise<ClusterTokenRow[]> {
  const cluster = await findTokenCluster(db, o);
  if (!(await backendTokensTableExists(db))) return [];
  const everyone = mayManageOthersClusterTokens(o.role);
  const rows = await db.$queryRaw<RawTokenRow[]>`select token_hash, username, groups, created_at, revoked_at from apiserver.tokens
    where ${cluster.kcpPath} = any(clusters) and not wildcard and created_at >= ${cluster.createdAt.toISOString()}::timestamptz
      and (${everyone} or username = ${o.email})
    order by created_at desc, token_hash limit 500`;
  return rows.map(toClusterTokenRow);
}
