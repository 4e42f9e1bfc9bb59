import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import { revokeStaleBackendTokens } from '../backend-tokens/revoke-stale-backend-tokens.js';
import type { Actor, Db } from '../shared.js';

/** Adds (member = true) or removes a member of the org to/from a team. Idempotent. */
export async function setTeamMembership(db: Db, o: { orgId: string; actor: Actor; teamId: string; memberId: string; member: boolean }): Promise<void> {
  await db.$transaction(async (tx) => {
    // One after the other: a transaction is one connection, and pg deprecates overlapping queries on it.
    const team = await tx.team.findFirst({ where: { id: o.teamId, orgId: o.orgId }, select: { id: true, name: true } });
    const membership = await tx.membership.findFirst({ where: { id: o.memberId, orgId: o.orgId }, select: { id: true, userId: true } });
    if (!team) throw AppError.notFound('Team');
    if (!membership) throw AppError.notFound('Member');
    const key = { teamId_membershipId: { teamId: team.id, membershipId: membership.id } };
    const existing = await tx.teamMember.findUnique({ where: key });
    if (o.member === !!existing) return;
    if (o.member) await tx.teamMember.create({ data: { teamId: team.id, membershipId: membership.id } });
    else await tx.teamMember.delete({ where: key });
    // Leaving a team: tokens that carry its group (or a sub-team's no longer reached) stop working with it.
    const kubeconfigTokensRevoked = o.member ? 0 : await revokeStaleBackendTokens(tx, { orgId: o.orgId, userId: membership.userId });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: o.member ? 'team.member.add' : 'team.member.remove',
      targetType: 'team',
      targetId: team.id,
      after: { memberId: membership.id, userId: membership.userId, ...(o.member ? {} : { kubeconfigTokensRevoked }) },
    });
  });
}
