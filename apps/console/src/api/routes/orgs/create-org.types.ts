import { displayNameSchema, orgSlugSchema } from '@atrium/core';
import { z } from 'zod';
import { ZOrg } from '../../dto.js';

export const ZCreateOrgBody = z.object({ name: displayNameSchema, slug: orgSlugSchema });
export const ZCreateOrgResponse = ZOrg;
