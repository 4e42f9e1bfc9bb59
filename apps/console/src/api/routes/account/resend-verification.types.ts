import { z } from 'zod';

export const ZResendVerificationResponse = z.object({ sentTo: z.string() });
