import { z } from 'zod';
import { ZOrg, ZUser } from '../../dto.js';

export const ZGetMeResponse = z.object({
  user: ZUser,
  /** The orgs this credential can reach: all memberships for a session, the token's org for a token. */
  orgs: z.array(ZOrg),
  auth: z.object({ kind: z.enum(['session', 'token']), tokenId: z.string().nullable() }),
});
