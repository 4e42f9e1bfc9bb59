import type { MemberRole } from '../../generated/prisma/enums.js';
import type { DbOrTx } from '../shared.js';

export interface MemberRow {
  id: string;
  userId: string;
  email: string;
  name: string | null;
  role: MemberRole;
  createdAt: Date;
  teams: Array<{ id: string; slug: string; name: string }>;
}

export async function listMembers(db: DbOrTx, o: { orgId: string }): Promise<MemberRow[]> {
  const rows = await db.membership.findMany({
    where: { orgId: o.orgId },
    include: { user: { select: { email: true, name: true } }, teams: { include: { team: { select: { id: true, slug: true, name: true } } } } },
    orderBy: [{ createdAt: 'asc' }],
  });
  return rows.map((m) => ({
    id: m.id,
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    createdAt: m.createdAt,
    teams: m.teams.map((t) => t.team),
  }));
}
