import type { DbOrTx } from '../shared.js';

export interface TeamRow {
  id: string;
  parentId: string | null;
  slug: string;
  name: string;
  createdAt: Date;
  members: Array<{ membershipId: string; email: string; name: string | null }>;
}

export async function listTeams(db: DbOrTx, o: { orgId: string }): Promise<TeamRow[]> {
  const rows = await db.team.findMany({
    where: { orgId: o.orgId },
    include: { members: { include: { membership: { include: { user: { select: { email: true, name: true } } } } } } },
    orderBy: { name: 'asc' },
  });
  return rows.map((t) => ({
    id: t.id,
    parentId: t.parentId,
    slug: t.slug,
    name: t.name,
    createdAt: t.createdAt,
    members: t.members.map((m) => ({ membershipId: m.membershipId, email: m.membership.user.email, name: m.membership.user.name })),
  }));
}
