import { AppError, decideMemberChange, type Role } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { revokeStaleBackendTokens } from '../backend-tokens/revoke-stale-backend-tokens.js';
import { type Actor, type Db, lockOrg } from '../shared.js';

export async function changeMemberRole(
  db: Db,
  o: { orgId: string; actor: Actor; actorRole: Role; memberId: string; role: Role },
): Promise<{ id: string; role: Role }> {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, o.orgId);
    const member = await tx.membership.findFirst({ where: { id: o.memberId, orgId: o.orgId } });
    if (!member) throw AppError.notFound('Member');
    if (member.role === o.role) return { id: member.id, role: member.role };
    const ownerCount = await tx.membership.count({ where: { orgId: o.orgId, role: 'owner' } });
    const verdict = decideMemberChange({ actor: o.actorRole, from: member.role, to: o.role, ownerCount });
    if (!verdict.ok) throw new AppError(verdict.reason === 'last-owner' ? 'CONFLICT' : 'FORBIDDEN', verdict.message);
    const updated = await tx.membership.update({ where: { id: member.id }, data: { role: o.role } });
    // A demotion (to billing: all; admin to developer: the org-admins ones) locks the old kubeconfig tokens out now.
    const kubeconfigTokensRevoked = await revokeStaleBackendTokens(tx, { orgId: o.orgId, userId: member.userId });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'member.role.update',
      targetType: 'member',
      targetId: member.id,
      before: { role: member.role, userId: member.userId },
      after: { role: updated.role, userId: member.userId, kubeconfigTokensRevoked },
    });
    return { id: updated.id, role: updated.role };
  });
}
