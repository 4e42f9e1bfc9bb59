import { z } from 'zod';
import { ZMember, ZOrgParams } from '../../dto.js';

export const ZListMembersParams = ZOrgParams;
export const ZListMembersResponse = z.object({ members: z.array(ZMember) });
