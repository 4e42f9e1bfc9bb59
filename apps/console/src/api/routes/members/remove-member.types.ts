import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZRemoveMemberParams = z.object({ org: ZOrgSlugParam, memberId: ZId });
export const ZRemoveMemberResponse = z.null();
