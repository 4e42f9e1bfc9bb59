import type { DbOrTx } from '../shared.js';

export interface TeamRow {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
  createdAt: Date;
  /** Direct members (not counting sub-teams'); the people themselves come paginated from `listMembers({ teamId })`. */
  memberCount: number;
  /** Whether `o.memberId` is a direct member; false when no member was asked about. */
  hasMember: boolean;
}

/**
 * Every team of the org, with member counts instead of members: an org has
 * tens of teams but may have thousands of members, so the tree stays small.
 */
export async function listTeams(db: DbOrTx, o: { orgId: string; memberId?: string | undefined }): Promise<TeamRow[]> {
  const rows = await db.team.findMany({
    where: { orgId: o.orgId },
    include: {
      _count: { select: { members: true } },
      ...(o.memberId ? { members: { where: { membershipId: o.memberId }, select: { membershipId: true } } } : {}),
    },
    orderBy: { name: 'asc' },
  });
  return rows.map((t) => ({
    id: t.id,
    parentId: t.parentId,
    slug: t.slug,
    name: t.name,
    createdAt: t.createdAt,
    memberCount: t._count.members,
    hasMember: 'members' in t && Array.isArray(t.members) && t.members.length > 0,
  }));
}
