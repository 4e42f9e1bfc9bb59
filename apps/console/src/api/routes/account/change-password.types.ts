import { newPasswordSchema } from '@atrium/core';
import { z } from 'zod';

export const ZChangePasswordBody = z.object({ currentPassword: z.string().min(1, 'Enter your current password.').max(200), newPassword: newPasswordSchema });
export const ZChangePasswordResponse = z.object({ changedAt: z.string() });
