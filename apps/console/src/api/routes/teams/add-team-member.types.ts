import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZAddTeamMemberParams = z.object({ org: ZOrgSlugParam, teamId: ZId });
export const ZAddTeamMemberBody = z.object({ memberId: ZId });
export const ZAddTeamMemberResponse = z.null();
