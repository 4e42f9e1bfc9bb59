import { randomSecret, sha256Hex } from '@atrium/core';
import type { DbOrTx } from '../shared.js';

/** Prefix of tokens for the kcp-compatible API (console API tokens are `atr_`): people and scanners can tell them apart. */
export const BACKEND_TOKEN_PREFIX = 'atk_';

export interface BackendTokenGrant {
  /** Kubernetes user name (RBAC subjects of kind User). */
  username: string;
  groups: string[];
  /** Exact logical-cluster paths the token may use; never a prefix, never every cluster. */
  clusters: string[];
}

/**
 * Issues a bearer token the API server accepts: a row in its `apiserver.tokens` table
 * (the schema that process migrates itself; see apps/apiserver/src/storage/migrate.ts),
 * with only the token's SHA-256 stored. Raw SQL because the table is not Prisma's.
 * Runs in the caller's transaction so the audit event commits with it.
 */
export async function mintBackendToken(db: DbOrTx, grant: BackendTokenGrant): Promise<{ token: string; tokenHash: string }> {
  if (grant.clusters.length === 0) throw new Error('a backend token must name at least one cluster');
  const token = `${BACKEND_TOKEN_PREFIX}${randomSecret(32)}`;
  const tokenHash = sha256Hex(token);
  await db.$executeRaw`insert into apiserver.tokens (token_hash, username, groups, clusters, wildcard)
    values (${tokenHash}, ${grant.username}, ${grant.groups}::text[], ${grant.clusters}::text[], false)`;
  return { token, tokenHash };
}
