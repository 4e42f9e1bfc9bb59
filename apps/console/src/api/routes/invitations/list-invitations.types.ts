import { z } from 'zod';
import { ZInvitation, ZOrgParams } from '../../dto.js';

export const ZListInvitationsParams = ZOrgParams;
export const ZListInvitationsResponse = z.object({ invitations: z.array(ZInvitation) });
