import { newPasswordSchema } from '@atrium/core';
import { z } from 'zod';

export const ZResetPasswordBody = z.object({ token: z.string().min(1).max(200), password: newPasswordSchema });
export const ZResetPasswordResponse = z.object({ email: z.string() });
