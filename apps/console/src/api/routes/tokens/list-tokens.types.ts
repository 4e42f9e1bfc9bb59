import { z } from 'zod';
import { ZApiToken, ZOrgParams } from '../../dto.js';
import { ZPageCursors, ZPageQuery, ZSearch } from '../../paging.js';

export const ZListTokensParams = ZOrgParams;
export const ZListTokensQuery = ZPageQuery.extend({ q: ZSearch.meta({ description: 'part of the token name, any case' }) });
export const ZListTokensResponse = z.object({ tokens: z.array(ZApiToken), ...ZPageCursors });
