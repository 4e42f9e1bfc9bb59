import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZRemoveTeamMemberParams = z.object({ org: ZOrgSlugParam, teamId: ZId, memberId: ZId });
export const ZRemoveTeamMemberResponse = z.null();
