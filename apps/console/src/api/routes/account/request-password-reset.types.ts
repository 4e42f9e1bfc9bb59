import { emailSchema } from '@atrium/core';
import { z } from 'zod';

export const ZRequestPasswordResetBody = z.object({ email: emailSchema });
export const ZRequestPasswordResetResponse = z.object({ ok: z.literal(true), message: z.string() });
