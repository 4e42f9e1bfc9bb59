import { z } from 'zod';
import { ZId, ZMember, ZOrgParams } from '../../dto.js';
import { ZPageCursors, ZPageQuery, ZSearch } from '../../paging.js';

export const ZListMembersParams = ZOrgParams;
export const ZListMembersQuery = ZPageQuery.extend({
  q: ZSearch.meta({ description: 'part of the email or name, any case' }),
  teamId: ZId.optional().meta({ description: 'only direct members of this team' }),
  notInTeamId: ZId.optional().meta({ description: 'leave out members of this team (candidates to add to it)' }),
});
export const ZListMembersResponse = z.object({ members: z.array(ZMember), ...ZPageCursors });
