import { z } from 'zod';
import { ZApiToken, ZOrgParams } from '../../dto.js';

export const ZListTokensParams = ZOrgParams;
export const ZListTokensResponse = z.object({ tokens: z.array(ZApiToken) });
