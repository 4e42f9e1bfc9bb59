import { z } from 'zod';
import { ZInvitation, ZOrgParams } from '../../dto.js';
import { ZPageCursors, ZPageQuery, ZSearch } from '../../paging.js';

export const ZListInvitationsParams = ZOrgParams;
export const ZListInvitationsQuery = ZPageQuery.extend({ q: ZSearch.meta({ description: 'part of the invited email, any case' }) });
export const ZListInvitationsResponse = z.object({ invitations: z.array(ZInvitation), ...ZPageCursors });
