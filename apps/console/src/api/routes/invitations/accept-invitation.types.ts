import { z } from 'zod';

export const ZAcceptInvitationBody = z.object({ token: z.string().min(1).max(1000) });
export const ZAcceptInvitationResponse = z.object({ orgSlug: z.string(), orgName: z.string() });
