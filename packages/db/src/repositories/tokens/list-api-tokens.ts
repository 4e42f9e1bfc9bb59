import type { ApiToken } from '../../generated/prisma/client.js';
import type { DbOrTx } from '../shared.js';

/** A user's own tokens for one org, newest first (revoked ones included, for the record). */
export async function listApiTokens(db: DbOrTx, o: { orgId: string; userId: string }): Promise<ApiToken[]> {
  return db.apiToken.findMany({ where: { orgId: o.orgId, userId: o.userId }, orderBy: { createdAt: 'desc' }, take: 200 });
}
