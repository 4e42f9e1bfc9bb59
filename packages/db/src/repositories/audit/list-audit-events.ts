import type { Prisma } from '../../generated/prisma/client.js';
import type { DbOrTx } from '../shared.js';

export interface ListAuditEventsOptions {
  orgId: string;
  action?: string | undefined;
  /** Matches the actor's email (case-insensitive substring). */
  actor?: string | undefined;
  targetType?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Return events older than this id (keyset pagination). */
  before?: bigint | undefined;
  limit?: number | undefined;
}

export interface AuditEventRow {
  id: bigint;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  createdAt: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  actorTokenId: string | null;
}

export async function listAuditEvents(db: DbOrTx, o: ListAuditEventsOptions): Promise<{ events: AuditEventRow[]; nextBefore: bigint | null }> {
  const limit = Math.min(Math.max(o.limit ?? 50, 1), 200);
  let actorIds: string[] | undefined;
  if (o.actor) {
    const users = await db.user.findMany({
      where: { email: { contains: o.actor, mode: 'insensitive' }, memberships: { some: { orgId: o.orgId } } },
      select: { id: true },
      take: 100,
    });
    actorIds = users.map((u) => u.id);
  }
  const where: Prisma.AuditEventWhereInput = {
    orgId: o.orgId,
    ...(o.action ? { action: { startsWith: o.action } } : {}),
    ...(o.targetType ? { targetType: o.targetType } : {}),
    ...(actorIds ? { actorUserId: { in: actorIds } } : {}),
    ...(o.from || o.to ? { createdAt: { ...(o.from ? { gte: o.from } : {}), ...(o.to ? { lt: o.to } : {}) } } : {}),
    ...(o.before ? { id: { lt: o.before } } : {}),
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: 'desc' }, take: limit + 1 });
  const page = rows.slice(0, limit);
  const userIds = [...new Set(page.map((r) => r.actorUserId).filter((v): v is string => !!v))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [];
  const emails = new Map(users.map((u) => [u.id, u.email]));
  return {
    events: page.map((r) => ({
      id: r.id,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      before: r.before,
      after: r.after,
      ip: r.ip,
      createdAt: r.createdAt,
      actorUserId: r.actorUserId,
      actorEmail: r.actorUserId ? (emails.get(r.actorUserId) ?? null) : null,
      actorTokenId: r.actorTokenId,
    })),
    nextBefore: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}
