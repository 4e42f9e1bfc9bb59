import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, Db } from '../shared.js';

export async function revokeInvitation(db: Db, o: { orgId: string; actor: Actor; invitationId: string; now?: Date }): Promise<void> {
  await db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({ where: { id: o.invitationId, orgId: o.orgId } });
    if (!invitation) throw AppError.notFound('Invitation');
    if (invitation.acceptedAt) throw new AppError('CONFLICT', 'This invitation was already accepted: remove the member instead.');
    if (invitation.revokedAt) return;
    await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: o.now ?? new Date() } });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'invitation.revoke',
      targetType: 'invitation',
      targetId: invitation.id,
      before: { email: invitation.email, role: invitation.role },
    });
  });
}
