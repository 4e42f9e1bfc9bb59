import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZRevokeTokenParams = z.object({ org: ZOrgSlugParam, tokenId: ZId });
export const ZRevokeTokenResponse = z.null();
