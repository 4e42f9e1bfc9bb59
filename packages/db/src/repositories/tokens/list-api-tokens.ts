import type { ApiToken } from '../../generated/prisma/client.js';
import { keyset, likeLiteral, type Page, type PageRequest } from '../paging.js';
import type { DbOrTx } from '../shared.js';

export interface ListApiTokensOptions extends PageRequest {
  orgId: string;
  userId: string;
  /** Case-insensitive substring of the token's name. */
  q?: string | undefined;
}

/** A page of a user's own tokens for one org, newest first (revoked ones included, for the record). */
export async function listApiTokens(db: DbOrTx, o: ListApiTokensOptions): Promise<Page<ApiToken>> {
  const ks = keyset<string>('tokens', 'desc', o, 'string');
  const q = o.q?.trim();
  const rows = await db.apiToken.findMany({
    where: { orgId: o.orgId, userId: o.userId, ...ks.where, ...(q ? { name: { contains: likeLiteral(q), mode: 'insensitive' } } : {}) },
    orderBy: ks.orderBy,
    take: ks.take,
  });
  return ks.page(rows);
}
