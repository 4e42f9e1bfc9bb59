import type { DbOrTx } from '../shared.js';
import { backendTokensTableExists } from './backend-token-row.js';

/**
 * Revokes every token of one cluster path, in the caller's transaction: the cluster is being deleted, nobody
 * should reach it meanwhile, and a later cluster with the same name gets the same path, which an old token
 * must not open. Returns how many were revoked.
 */
export async function revokeClusterBackendTokens(tx: DbOrTx, kcpPath: string): Promise<number> {
  if (!(await backendTokensTableExists(tx))) return 0;
  return tx.$executeRaw`update apiserver.tokens set revoked_at = now() where ${kcpPath} = any(clusters) and revoked_at is null and not wildcard`;
}
