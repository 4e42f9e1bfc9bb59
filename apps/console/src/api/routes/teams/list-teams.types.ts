import { z } from 'zod';
import { ZOrgParams, ZTeam } from '../../dto.js';

export const ZListTeamsParams = ZOrgParams;
export const ZListTeamsResponse = z.object({ teams: z.array(ZTeam) });
