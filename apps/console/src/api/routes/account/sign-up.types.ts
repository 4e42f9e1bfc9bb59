import { emailSchema, newPasswordSchema, personNameSchema } from '@atrium/core';
import { z } from 'zod';

export const ZSignUpBody = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: newPasswordSchema,
  /** The token of an invitation link, when signing up through one. */
  invitationToken: z.string().max(1000).optional(),
});
export const ZSignUpResponse = z.object({
  userId: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  joinedOrgSlug: z.string().nullable(),
});
