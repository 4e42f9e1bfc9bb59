import { emailSchema } from '@atrium/core';
import { z } from 'zod';
import { ZId, ZInvitation, ZOrgParams, ZRole } from '../../dto.js';

export const ZCreateInvitationParams = ZOrgParams;
export const ZCreateInvitationBody = z.object({ email: emailSchema, role: ZRole, teamId: ZId.nullable().optional() });
export const ZCreateInvitationResponse = ZInvitation;
