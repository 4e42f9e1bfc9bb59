import type { Prisma } from '../../generated/prisma/client.js';
import type { MemberRole } from '../../generated/prisma/enums.js';
import { keyset, likeLiteral, type Page, type PageRequest } from '../paging.js';
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

export interface ListMembersOptions extends PageRequest {
  orgId: string;
  /** Case-insensitive substring of the email or the name. */
  q?: string | undefined;
  /** Only members of this team (directly, not through sub-teams). */
  teamId?: string | undefined;
  /** Leave out members of this team: the candidates for adding to it. */
  notInTeamId?: string | undefined;
}

/** One page of the org's members, oldest first (the owner who founded it leads). */
export async function listMembers(db: DbOrTx, o: ListMembersOptions): Promise<Page<MemberRow>> {
  const ks = keyset<string>('members', 'asc', o, 'string');
  const q = o.q?.trim();
  const like = q ? likeLiteral(q) : undefined;
  const where: Prisma.MembershipWhereInput = {
    orgId: o.orgId,
    ...ks.where,
    AND: [
      like ? { user: { OR: [{ email: { contains: like, mode: 'insensitive' } }, { name: { contains: like, mode: 'insensitive' } }] } } : {},
      o.teamId ? { teams: { some: { teamId: o.teamId } } } : {},
      o.notInTeamId ? { teams: { none: { teamId: o.notInTeamId } } } : {},
    ],
  };
  const rows = await db.membership.findMany({
    where,
    include: { user: { select: { email: true, name: true } }, teams: { include: { team: { select: { id: true, slug: true, name: true } } } } },
    orderBy: ks.orderBy,
    take: ks.take,
  });
  const page = ks.page(rows);
  return {
    ...page,
    items: page.items.map((m) => ({
      id: m.id,
      userId: m.userId,
      email: m.user.email,
      name: m.user.name,
      role: m.role,
      createdAt: m.createdAt,
      teams: m.teams.map((t) => t.team).sort((a, b) => a.name.localeCompare(b.name)),
    })),
  };
}

export interface MemberSummary {
  count: number;
  recent: Array<{ id: string; email: string; name: string | null; role: MemberRole; createdAt: Date }>;
}

/** How many members the org has and the few who joined last: what an overview shows. */
export async function summarizeMembers(db: DbOrTx, o: { orgId: string; recent?: number }): Promise<MemberSummary> {
  const [count, recent] = await Promise.all([
    db.membership.count({ where: { orgId: o.orgId } }),
    db.membership.findMany({
      where: { orgId: o.orgId },
      include: { user: { select: { email: true, name: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: Math.min(Math.max(o.recent ?? 5, 0), 20),
    }),
  ]);
  return { count, recent: recent.map((m) => ({ id: m.id, email: m.user.email, name: m.user.name, role: m.role, createdAt: m.createdAt })) };
}
