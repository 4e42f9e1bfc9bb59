import { displayNameSchema } from '@atrium/core';
import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZUpdateTeamParams = z.object({ org: ZOrgSlugParam, teamId: ZId });
export const ZUpdateTeamBody = z
  .object({ name: displayNameSchema.optional(), parentId: ZId.nullable().optional().meta({ description: 'null moves the team to the top level' }) })
  .refine((b) => b.name !== undefined || b.parentId !== undefined, 'Send a new name, a new parentId, or both.');
export const ZUpdateTeamResponse = z.object({ id: z.string(), parentId: z.string().nullable(), slug: z.string(), name: z.string(), createdAt: z.string() });
