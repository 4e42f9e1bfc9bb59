import { AppError, decideMemberChange, type Role } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { revokeStaleBackendTokens } from '../backend-tokens/revoke-stale-backend-tokens.js';
import { type Actor, type Db, lockOrg } from '../shared.js';

/** Removes a member; their API tokens and kubeconfig tokens for this org are revoked with them, in the same transaction. */
export async function removeMember(db: Db, o: { orgId: string; actor: Actor; actorRole: Role; memberId: string; now?: Date }): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockOrg(tx, o.orgId);
    const member = await tx.membership.findFirst({ where: { id: o.memberId, orgId: o.orgId }, include: { user: { select: { email: true } } } });
    if (!member) throw AppError.notFound('Member');
    const ownerCount = await tx.membership.count({ where: { orgId: o.orgId, role: 'owner' } });
    const verdict = decideMemberChange({ actor: o.actorRole, from: member.role, to: null, ownerCount });
    if (!verdict.ok) throw new AppError(verdict.reason === 'last-owner' ? 'CONFLICT' : 'FORBIDDEN', verdict.message);
    await tx.membership.delete({ where: { id: member.id } });
    await tx.apiToken.updateMany({ where: { orgId: o.orgId, userId: member.userId, revokedAt: null }, data: { revokedAt: o.now ?? new Date() } });
    const kubeconfigTokensRevoked = await revokeStaleBackendTokens(tx, { orgId: o.orgId, userId: member.userId });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'member.remove',
      targetType: 'member',
      targetId: member.id,
      before: { role: member.role, userId: member.userId, email: member.user.email },
      after: { kubeconfigTokensRevoked },
    });
  });
}
