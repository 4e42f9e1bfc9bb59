import { z } from 'zod';
import { ZApiToken, ZOrgParams } from '../../dto.js';

export const ZCreateTokenParams = ZOrgParams;
export const ZCreateTokenBody = z.object({
  name: z.string().trim().min(1, 'Give the token a name.').max(60, 'Use at most 60 characters.'),
  expiresInDays: z.number().int().min(1).max(365).nullable().optional(),
});
export const ZCreateTokenResponse = z.object({
  apiToken: ZApiToken,
  /** The secret, shown this once. */
  token: z.string(),
});
