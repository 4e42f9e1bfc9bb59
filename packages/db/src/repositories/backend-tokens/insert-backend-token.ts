import { randomSecret, sha256Hex } from '@atrium/core';
import type { SqlClient } from '../../cost-ledger.js';

/** Prefix of tokens for the kcp-compatible API (console API tokens are `atr_`): people and scanners can tell them apart. */
export const BACKEND_TOKEN_PREFIX = 'atk_';

export interface BackendTokenRow {
  /** Kubernetes user name (RBAC subjects of kind User). */
  username: string;
  groups: string[];
  /** Exact logical-cluster paths or names the token may use; null = every cluster (system identities only). */
  clusters: string[] | null;
  /** May list and watch across clusters (`/clusters/*`). */
  wildcard?: boolean;
}

/**
 * The one writer of `apiserver.tokens` (the table the API server migrates itself; see
 * apps/apiserver/src/storage/migrate.ts): a new random token, of which only the SHA-256 is
 * stored. Raw SQL on a caller-supplied client, so the console (inside its Prisma transaction)
 * and the API server's CLI (on its pg pool) issue tokens the same way.
 */
export async function insertBackendToken(client: SqlClient, row: BackendTokenRow): Promise<{ token: string; tokenHash: string }> {
  const token = `${BACKEND_TOKEN_PREFIX}${randomSecret(32)}`;
  const tokenHash = sha256Hex(token);
  await client.query('insert into apiserver.tokens (token_hash, username, groups, clusters, wildcard) values ($1, $2, $3::text[], $4::text[], $5)', [
    tokenHash,
    row.username,
    row.groups,
    row.clusters,
    row.wildcard ?? false,
  ]);
  return { token, tokenHash };
}
