import { z } from 'zod';
import { ZAuditEvent, ZOrgParams } from '../../dto.js';

export const ZListAuditParams = ZOrgParams;
export const ZListAuditQuery = z.object({
  action: z.string().max(60).optional().meta({ description: 'prefix, e.g. "member." or "team.create"' }),
  actor: z.string().max(254).optional().meta({ description: 'part of the actor’s email' }),
  targetType: z.enum(['org', 'member', 'invitation', 'team', 'token']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .meta({ description: 'cursor: nextBefore of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const ZListAuditResponse = z.object({ events: z.array(ZAuditEvent), nextBefore: z.string().nullable() });
