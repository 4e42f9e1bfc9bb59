import { z } from 'zod';
import { ZRole } from '../../dto.js';

export const ZLookupInvitationBody = z.object({ token: z.string().min(1).max(1000) });
export const ZLookupInvitationResponse = z.object({
  orgName: z.string(),
  orgSlug: z.string(),
  email: z.string(),
  role: ZRole,
  expiresAt: z.string(),
  accountExists: z.boolean(),
});
