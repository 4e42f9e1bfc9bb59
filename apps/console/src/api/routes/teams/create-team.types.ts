import { displayNameSchema, slugSchema } from '@atrium/core';
import { z } from 'zod';
import { ZId, ZOrgParams } from '../../dto.js';

export const ZCreateTeamParams = ZOrgParams;
export const ZCreateTeamBody = z.object({ name: displayNameSchema, slug: slugSchema, parentId: ZId.nullable().optional() });
export const ZCreateTeamResponse = z.object({ id: z.string(), parentId: z.string().nullable(), slug: z.string(), name: z.string(), createdAt: z.string() });
