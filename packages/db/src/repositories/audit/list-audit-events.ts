import type { Prisma } from '../../generated/prisma/client.js';
import { keyset, likeLiteral, type PageRequest } from '../paging.js';
import type { DbOrTx } from '../shared.js';

export interface ListAuditEventsOptions extends PageRequest {
  orgId: string;
  action?: string | undefined;
  /** Matches the actor's email (case-insensitive substring). */
  actor?: string | undefined;
  targetType?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only events with a lower id. Superseded by `cursor`; kept for API clients that page with `nextBefore`. */
  before?: bigint | undefined;
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

/** One page of the org's audit log, newest first, filtered. */
export async function listAuditEvents(
  db: DbOrTx,
  o: ListAuditEventsOptions,
): Promise<{ events: AuditEventRow[]; nextCursor: string | null; prevCursor: string | null; nextBefore: bigint | null }> {
  const ks = keyset<bigint>('audit', 'desc', o, 'bigint');
  let actorIds: string[] | undefined;
  if (o.actor) {
    const users = await db.user.findMany({
      where: { email: { contains: likeLiteral(o.actor), mode: 'insensitive' }, memberships: { some: { orgId: o.orgId } } },
      select: { id: true },
      take: 100,
    });
    actorIds = users.map((u) => u.id);
  }
  const where: Prisma.AuditEventWhereInput = {
    orgId: o.orgId,
    ...(o.action ? { action: { startsWith: likeLiteral(o.action) } } : {}),
    ...(o.targetType ? { targetType: o.targetType } : {}),
    ...(actorIds ? { actorUserId: { in: actorIds } } : {}),
    ...(o.before ? { id: { lt: o.before } } : {}),
    AND: [ks.where, ...(o.from || o.to ? [{ createdAt: { ...(o.from ? { gte: o.from } : {}), ...(o.to ? { lt: o.to } : {}) } }] : [])],
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: ks.orderBy, take: ks.take });
  const page = ks.page(rows);
  const userIds = [...new Set(page.items.map((r) => r.actorUserId).filter((v): v is string => !!v))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [];
  const emails = new Map(users.map((u) => [u.id, u.email]));
  return {
    events: page.items.map((r) => ({
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
    nextCursor: page.nextCursor,
    prevCursor: page.prevCursor,
    nextBefore: page.nextCursor ? (page.items[page.items.length - 1]?.id ?? null) : null,
  };
}
