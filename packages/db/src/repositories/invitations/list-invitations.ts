import type { MemberRole } from '../../generated/prisma/enums.js';
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

export async function listInvitations(db: DbOrTx, o: { orgId: string; now?: Date }): Promise<InvitationRow[]> {
  const rows = await db.invitation.findMany({
    where: { orgId: o.orgId },
    include: { team: { select: { id: true, name: true } } },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
  const inviterIds = [...new Set(rows.map((r) => r.invitedById))];
  const inviters = await db.user.findMany({ where: { id: { in: inviterIds } }, select: { id: true, email: true } });
  const emails = new Map(inviters.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    team: r.team,
    status: invitationStatus(r, o.now),
    invitedByEmail: emails.get(r.invitedById) ?? null,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
  }));
}
