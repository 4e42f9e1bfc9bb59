import { AppError } from '@atrium/core';
import type { DbOrTx } from '../shared.js';

/**
 * The API server's token table has no id column and no last-used time (apps/apiserver/src/storage/migrate.ts),
 * so a kubeconfig token is addressed by the first 16 hex digits of its SHA-256: unguessable enough that a
 * listing is the only way to learn it, short enough for a URL, and the full hash is what the audit log keeps.
 */
export const BACKEND_TOKEN_ID_LENGTH = 16;
const TOKEN_ID = new RegExp(`^[0-9a-f]{${BACKEND_TOKEN_ID_LENGTH}}$`);

export const backendTokenId = (tokenHash: string): string => tokenHash.slice(0, BACKEND_TOKEN_ID_LENGTH);
export const isBackendTokenId = (id: string): boolean => TOKEN_ID.test(id);

export interface ClusterTokenRow {
  id: string;
  username: string;
  groups: string[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface RawTokenRow {
  token_hash: string;
  username: string;
  groups: string[];
  created_at: Date;
  revoked_at: Date | null;
}

export function toClusterTokenRow(r: RawTokenRow): ClusterTokenRow {
  return { id: backendTokenId(r.token_hash), username: r.username, groups: r.groups, createdAt: r.created_at, revokedAt: r.revoked_at };
}

/**
 * The cluster a token listing or revocation is about, found with the org id in the where. Tokens are matched
 * on its exact path and minted after it was created: a deleted cluster's path can be taken again, and its
 * (revoked) tokens belong to the old cluster, not the new one.
 */
export async function findTokenCluster(db: DbOrTx, o: { orgId: string; clusterId: string }) {
  const cluster = await db.logicalCluster.findFirst({
    where: { id: o.clusterId, orgId: o.orgId },
    select: { id: true, name: true, kcpPath: true, createdAt: true },
  });
  if (!cluster) throw AppError.notFound('Cluster');
  return cluster;
}

/**
 * Whether the API server ever migrated its schema into this database. Before it has, no backend token
 * exists, so there is nothing to list or revoke; checking first keeps a missing table from aborting the
 * caller's transaction (a membership change must not fail because the API server has not started yet).
 */
export async function backendTokensTableExists(db: DbOrTx): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ t: string | null }>>`select to_regclass('apiserver.tokens')::text as t`;
  return rows[0]?.t != null;
}
