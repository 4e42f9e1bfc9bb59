import { z } from 'zod';

export const ZVerifyEmailBody = z.object({ token: z.string().min(1).max(200) });
export const ZVerifyEmailResponse = z.object({ email: z.string() });
