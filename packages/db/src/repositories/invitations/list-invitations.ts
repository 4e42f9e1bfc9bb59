import type { MemberRole } from '../../generated/prisma/enums.js';
import { keyset, likeLiteral, type Page, type PageRequest } from '../paging.js';
import type { DbOrTx } from '../shared.js';

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationRow {
  id: string;
  email: string;
  role: MemberRole;
  team: { id: string; name: string } | null;
  status: InvitationStatus;
  invitedByEmail: string | null;
  expiresAt: Date;
  createdAt: Date;
}

export function invitationStatus(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now = new Date()): InvitationStatus {
  if (i.acceptedAt) return 'accepted';
  if (i.revokedAt) return 'revoked';
  if (i.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

export interface ListInvitationsOptions extends PageRequest {
  orgId: string;
  /** Case-insensitive substring of the invited email. */
  q?: string | undefined;
  now?: Date;
}

/** One page of the org's invitations, newest first, each with its status now. */
export async function listInvitations(db: DbOrTx, o: ListInvitationsOptions): Promise<Page<InvitationRow>> {
  const ks = keyset<string>('invitations', 'desc', o, 'string');
  const q = o.q?.trim();
  const rows = await db.invitation.findMany({
    where: { orgId: o.orgId, ...ks.where, ...(q ? { email: { contains: likeLiteral(q), mode: 'insensitive' } } : {}) },
    include: { team: { select: { id: true, name: true } } },
    orderBy: ks.orderBy,
    take: ks.take,
  });
  const page = ks.page(rows);
  const inviterIds = [...new Set(page.items.map((r) => r.invitedById))];
  const inviters = inviterIds.length ? await db.user.findMany({ where: { id: { in: inviterIds } }, select: { id: true, email: true } }) : [];
  const emails = new Map(inviters.map((u) => [u.id, u.email]));
  return {
    ...page,
    items: page.items.map((r) => ({
      id: r.id,
      email: r.email,
      role: r.role,
      team: r.team,
      status: invitationStatus(r, o.now),
      invitedByEmail: emails.get(r.invitedById) ?? null,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
    })),
  };
}
