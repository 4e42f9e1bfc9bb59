import type { Membership, Organization } from '../../generated/prisma/client.js';
import type { DbOrTx } from '../shared.js';

/**
 * The authorisation primitive: the org named by `slug` together with the
 * user's membership in it, found in one query that carries both. No
 * membership and no such org look the same (null), so callers answer 404
 * for both.
 */
export async function findOrgMembership(db: DbOrTx, o: { slug: string; userId: string }): Promise<{ org: Organization; membership: Membership } | null> {
  const membership = await db.membership.findFirst({ where: { userId: o.userId, org: { slug: o.slug } }, include: { org: true } });
  if (!membership) return null;
  const { org, ...rest } = membership;
  return { org, membership: rest };
}
