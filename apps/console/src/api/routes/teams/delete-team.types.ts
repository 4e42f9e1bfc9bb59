import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZDeleteTeamParams = z.object({ org: ZOrgSlugParam, teamId: ZId });
export const ZDeleteTeamResponse = z.null();
