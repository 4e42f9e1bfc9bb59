import { z } from 'zod';
import { ZAuditEvent, ZOrgParams } from '../../dto.js';
import { ZPageCursors, ZPageQuery } from '../../paging.js';

export const ZListAuditParams = ZOrgParams;
export const ZListAuditQuery = ZPageQuery.extend({
  action: z.string().max(60).optional().meta({ description: 'prefix, e.g. "member." or "team.create"' }),
  actor: z.string().max(254).optional().meta({ description: 'part of the actor’s email' }),
  targetType: z.enum(['org', 'member', 'invitation', 'team', 'token']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .meta({ description: 'only events with a lower id (nextBefore of a previous page); prefer cursor' }),
});
export const ZListAuditResponse = z.object({
  events: z.array(ZAuditEvent),
  ...ZPageCursors,
  nextBefore: z.string().nullable().meta({ description: 'older pages by id, for clients of `before`; prefer nextCursor' }),
});
