import { AppError } from '@atrium/core';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Actor, Db } from '../shared.js';

/** Revokes one of the actor's own tokens in the org; others' tokens answer 404. */
export async function revokeApiToken(db: Db, o: { orgId: string; actor: Actor; tokenId: string; now?: Date }): Promise<void> {
  await db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where: { id: o.tokenId, orgId: o.orgId, userId: o.actor.userId } });
    if (!token) throw AppError.notFound('Token');
    if (token.revokedAt) return;
    await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: o.now ?? new Date() } });
    await recordAuditEvent(tx, {
      orgId: o.orgId,
      actor: o.actor,
      action: 'token.revoke',
      targetType: 'token',
      targetId: token.id,
      before: { name: token.name, prefix: token.prefix },
    });
  });
}
