import { AppError, mayManageOthersClusterTokens, type Role } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, Db } from '../shared.js';
import { backendTokensTableExists, findTokenCluster, isBackendTokenId, type RawTokenRow } from './backend-token-row.js';

/**
 * Revokes one kubeconfig token of a cluster: the caller's own, or anyone's for owners and admins; a token
 * the caller may not see answers 404 like a missing one. Setting `revoked_at` is enough: a trigger on the
 * table notifies every API server replica, which drops the token from its cache at once. Revoking twice is
 * a no-op (and audited once).
 */
export async function revokeClusterToken(
  db: Db,
  o: { orgId: string; actor: Actor; role: Role; email: string; clusterId: string; tokenId: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const cluster = await findTokenCluster(tx, o);
    if (!isBackendTokenId(o.tokenId) || !(await backendTokensTableExists(tx))) throw AppError.notFound('Token');
    const everyone = mayManageOthersClusterTokens(o.role);
    const rows = await tx.$queryRaw<RawTokenRow[]>`select token_hash, username, groups, created_at, revoked_at from apiserver.tokens
      where left(token_hash, ${o.tokenId.length}) = ${o.tokenId}
        and ${cluster.kcpPath} = any(clusters) and not wildcard and created_at >= ${cluster.createdAt.toISOString()}::timestamptz
        and (${everyone} or username = ${o.email})
      for update`;
    // Two tokens sharing 64 bits of hash is practically impossible; if it happens, refuse rather than guess.
    const token = rows.length === 1 ? rows[0] : undefined;
    if (!token) throw AppError.notFound('Token');
    if (token.revoked_at) return;
    await tx.$executeRaw`update apiserver.tokens set revoked_at = now() where token_hash = ${token.token_hash}`;
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'cluster.token.revoke',
      targetType: 'cluster',
      targetId: cluster.id,
      before: { kcpPath: cluster.kcpPath, username: token.username, groups: token.groups, tokenSha256: token.token_hash },
    });
  });
}
