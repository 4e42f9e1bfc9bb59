import { listAuditEvents } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { toAuditEventDto } from '../../dto.js';
import { ZListAuditParams, ZListAuditQuery, ZListAuditResponse } from './list-audit.types.js';

const DAY_MS = 86_400_000;

export const listAudit = defineRoute({
  method: 'GET',
  path: '/orgs/{org}/audit',
  summary: 'The org’s audit log, newest first, with filters, a page at a time',
  tag: 'audit',
  auth: 'org',
  permission: 'audit:read',
  params: ZListAuditParams,
  query: ZListAuditQuery,
  response: ZListAuditResponse,
  async handler({ db, org, query }) {
    const page = await listAuditEvents(db, {
      orgId: org.id,
      action: query.action,
      actor: query.actor,
      targetType: query.targetType,
      from: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
      // `to` is inclusive of that whole day.
      to: query.to ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
      before: query.before ? BigInt(query.before) : undefined,
      limit: query.limit,
      cursor: query.cursor,
    });
    return {
      events: page.events.map(toAuditEventDto),
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      nextBefore: page.nextBefore?.toString() ?? null,
    };
  },
});
