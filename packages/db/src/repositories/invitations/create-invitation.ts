import { randomUUID } from 'node:crypto';
import { AppError, assignableRoles, type Role, sha256Hex, signInvitationToken } from '@atrium/core';
import type { Invitation } from '../../generated/prisma/client.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { type Actor, type Db, normaliseEmail } from '../shared.js';

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export interface CreateInvitationOptions {
  orgId: string;
  actor: Actor;
  actorRole: Role;
  email: string;
  role: Role;
  teamId?: string | null | undefined;
  /** HMAC key for the link (the server secret). */
  secret: string;
  now?: Date;
}

/**
 * Invites an email address with a role (and optional team). Returns the
 * link token once; only its hash is stored. Inviting the same address again
 * replaces the pending invitation, so at most one link works.
 */
export async function createInvitation(db: Db, o: CreateInvitationOptions): Promise<{ invitation: Invitation; token: string }> {
  const email = normaliseEmail(o.email);
  if (!assignableRoles(o.actorRole).includes(o.role)) {
    throw new AppError('FORBIDDEN', `Your role cannot invite someone as ${o.role}.`, { details: { fields: { role: ['You cannot grant this role.'] } } });
  }
  const now = o.now ?? new Date();
  return db.$transaction(async (tx) => {
    if (o.teamId) {
      const team = await tx.team.findFirst({ where: { id: o.teamId, orgId: o.orgId }, select: { id: true } });
      if (!team)
        throw new AppError('VALIDATION_FAILED', 'That team does not exist.', { details: { fields: { teamId: ['Choose a team of this organisation.'] } } });
    }
    const existing = await tx.membership.findFirst({ where: { orgId: o.orgId, user: { email } }, select: { id: true } });
    if (existing) throw new AppError('CONFLICT', `${email} is already a member.`, { details: { fields: { email: ['Already a member.'] } } });
    const replaced = await tx.invitation.updateMany({
      where: { orgId: o.orgId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const token = signInvitationToken({ invitationId: id, expiresAt }, o.secret);
    const invitation = await tx.invitation.create({
      data: {
        id,
        orgId: o.orgId,
        email,
        role: o.role,
        teamId: o.teamId ?? null,
        tokenHash: sha256Hex(token),
        invitedById: o.actor.userId,
        expiresAt,
        createdAt: now,
      },
    });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'invitation.create',
      targetType: 'invitation',
      targetId: id,
      after: { email, role: o.role, teamId: o.teamId ?? null, replacedPending: replaced.count },
    });
    return { invitation, token };
  });
}
