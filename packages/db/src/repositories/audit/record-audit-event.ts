import type { Prisma } from '../../generated/prisma/client.js';
import type { Actor, DbOrTx } from '../shared.js';

export interface AuditEventInput {
  orgId: string;
  actor: Actor;
  action: string;
  targetType: string;
  targetId: string;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

/** Written in the same transaction as the change it describes. */
export async function recordAuditEvent(db: DbOrTx, input: AuditEventInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      orgId: input.orgId,
      actorUserId: input.actor.userId,
      actorTokenId: input.actor.tokenId ?? null,
      ip: input.actor.ip ?? null,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      ...(input.before != null ? { before: input.before } : {}),
      ...(input.after != null ? { after: input.after } : {}),
    },
  });
}
