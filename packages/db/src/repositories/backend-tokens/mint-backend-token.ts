import { prismaSqlClient } from '../../cost-ledger.js';
import type { DbOrTx } from '../shared.js';
import { insertBackendToken } from './insert-backend-token.js';

export { BACKEND_TOKEN_PREFIX } from './insert-backend-token.js';

export interface BackendTokenGrant {
  /** Kubernetes user name (RBAC subjects of kind User). */
  username: string;
  groups: string[];
  /** Exact logical-cluster paths the token may use; never a prefix, never every cluster. */
  clusters: string[];
}

/**
 * Issues a bearer token the API server accepts for a person's clusters, in the caller's
 * transaction so the audit event commits with it. A person's token always names its clusters.
 */
export async function mintBackendToken(db: DbOrTx, grant: BackendTokenGrant): Promise<{ token: string; tokenHash: string }> {
  if (grant.clusters.length === 0) throw new Error('a backend token must name at least one cluster');
  return insertBackendToken(prismaSqlClient(db), { username: grant.username, groups: grant.groups, clusters: grant.clusters });
}
