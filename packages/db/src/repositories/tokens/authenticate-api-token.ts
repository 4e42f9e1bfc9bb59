import { looksLikeApiToken, sha256Hex } from '@atrium/core';
import type { Membership, Organization, User } from '../../generated/prisma/client.js';
import type { Db } from '../shared.js';

export interface TokenPrincipal {
  tokenId: string;
  user: User;
  org: Organization;
  membership: Membership;
}

// Writing lastUsedAt on every request would turn reads into writes.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The principal behind a bearer token, or null if the token is unknown,
 * revoked, expired, or its owner is no longer a member of the token's org.
 */
export async function authenticateApiToken(db: Db, o: { token: string; now?: Date }): Promise<TokenPrincipal | null> {
  if (!looksLikeApiToken(o.token)) return null;
  const now = o.now ?? new Date();
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256Hex(o.token) }, include: { user: true, org: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  const membership = await db.membership.findUnique({ where: { orgId_userId: { orgId: row.orgId, userId: row.userId } } });
  if (!membership) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { tokenId: row.id, user: row.user, org: row.org, membership };
}
