import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZListClusterTokensParams = z.object({ org: ZOrgSlugParam, clusterId: ZId });
export const ZClusterToken = z.object({
  id: z.string().meta({ description: 'first 16 hex digits of the token’s SHA-256 (the audit log keeps the full hash)' }),
  username: z.string().meta({ description: 'the member the token was issued to (their email)' }),
  groups: z.array(z.string()),
  createdAt: z.string().meta({ format: 'date-time' }),
  revokedAt: z.string().meta({ format: 'date-time' }).nullable(),
});
export const ZListClusterTokensResponse = z.object({
  tokens: z.array(ZClusterToken).meta({ description: 'newest first; the API server records no last-use time' }),
});
