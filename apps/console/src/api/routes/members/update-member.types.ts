import { z } from 'zod';
import { ZId, ZOrgSlugParam, ZRole } from '../../dto.js';

export const ZUpdateMemberParams = z.object({ org: ZOrgSlugParam, memberId: ZId });
export const ZUpdateMemberBody = z.object({ role: ZRole });
export const ZUpdateMemberResponse = z.object({ id: z.string(), role: ZRole });
