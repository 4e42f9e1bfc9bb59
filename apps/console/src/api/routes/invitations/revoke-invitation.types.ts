import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZRevokeInvitationParams = z.object({ org: ZOrgSlugParam, invitationId: ZId });
export const ZRevokeInvitationResponse = z.null();
