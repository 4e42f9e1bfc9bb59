import { AppError, sha256Hex, verifyInvitationToken } from '@atrium/core';
import type { Invitation, Organization, User } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Db, lockOrg, normaliseEmail, type Tx } from '../shared.js';

export interface InvitationLink {
  token: string;
  secret: string;
  now?: Date;
}

/**
 * The invitation a link names, if it can still be used. Forged and unknown
 * links are NOT_FOUND; expired, used and revoked ones are GONE with a
 * message that says what to do.
 */
export async function findUsableInvitation(db: Db | Tx, link: InvitationLink): Promise<Invitation & { org: Organization }> {
  const now = link.now ?? new Date();
  const check = verifyInvitationToken(link.token, link.secret, now);
  if (!check.ok) throw new AppError(check.reason === 'expired' ? 'GONE' : 'NOT_FOUND', check.message);
  const invitation = await db.invitation.findFirst({ where: { id: check.claims.invitationId, tokenHash: sha256Hex(link.token) }, include: { org: true } });
  if (!invitation) throw new AppError('NOT_FOUND', 'This invitation link is not valid.');
  if (invitation.acceptedAt) throw new AppError('GONE', 'This invitation has already been used. Sign in to reach the organisation.');
  if (invitation.revokedAt) throw new AppError('GONE', 'This invitation was withdrawn. Ask an admin of the organisation for a new one.');
  if (invitation.expiresAt.getTime() <= now.getTime())
    throw new AppError('GONE', 'This invitation has expired. Ask an admin of the organisation to invite you again.');
  return invitation;
}

/** Inside a transaction: marks the invitation used (once) and creates the membership. */
export async function acceptInvitationInTx(tx: Tx, o: { invitation: Invitation; user: User; ip: string | null; now?: Date }): Promise<Organization> {
  const now = o.now ?? new Date();
  const { invitation, user } = o;
  if (normaliseEmail(user.email) !== normaliseEmail(invitation.email)) {
    throw new AppError('FORBIDDEN', `This invitation is for ${invitation.email}, but you are signed in as ${user.email}.`);
  }
  await lockOrg(tx, invitation.orgId);
  // The conditional update is the single-use guard against concurrent accepts.
  const used = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  if (used.count !== 1) throw new AppError('GONE', 'This invitation has already been used or withdrawn.');
  const existing = await tx.membership.findUnique({ where: { orgId_userId: { orgId: invitation.orgId, userId: user.id } } });
  if (existing) throw new AppError('CONFLICT', 'You are already a member of this organisation.');
  const membership = await tx.membership.create({ data: { orgId: invitation.orgId, userId: user.id, role: invitation.role } });
  if (invitation.teamId) {
    const team = await tx.team.findFirst({ where: { id: invitation.teamId, orgId: invitation.orgId }, select: { id: true } });
    if (team) await tx.teamMember.create({ data: { teamId: team.id, membershipId: membership.id } });
  }
  await recordAuditEvent(tx, {
    orgId: invitation.orgId,
    actor: { userId: user.id, ip: o.ip },
    action: 'invitation.accept',
    targetType: 'member',
    targetId: membership.id,
    after: { email: user.email, role: membership.role, invitationId: invitation.id, teamId: invitation.teamId },
  });
  return tx.organization.findUniqueOrThrow({ where: { id: invitation.orgId } });
}

/** A signed-in user accepts an invitation link addressed to them. */
export async function acceptInvitation(db: Db, o: InvitationLink & { userId: string; ip?: string | null }): Promise<Organization> {
  return db.$transaction(async (tx) => {
    const invitation = await findUsableInvitation(tx, o);
    const user = await tx.user.findUnique({ where: { id: o.userId } });
    if (!user) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
    const org = await acceptInvitationInTx(tx, { invitation, user, ip: o.ip ?? null, ...(o.now ? { now: o.now } : {}) });
    // Accepting proves control of the invited address.
    if (!user.emailVerified) await tx.user.update({ where: { id: user.id }, data: { emailVerified: o.now ?? new Date() } });
    return org;
  });
}
