import { displayNameSchema } from '@atrium/core';
import { z } from 'zod';
import { ZId, ZMicrosInput, ZPodSecurity } from '../../dto.js';

/** Fields shared by template create and update. */
const label = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'Use lower-case letters, digits and dashes.')
  .max(63);
export const templateFields = {
  name: displayNameSchema,
  description: z.string().trim().max(500, 'Use at most 500 characters.'),
  apiSets: z.array(label).max(20).meta({ description: 'API sets bound at creation, e.g. workloads, networking, custom-resources' }),
  allowedRegions: z.array(label).max(50).meta({ description: 'region slugs; empty = every region' }),
  defaultBudgetMicros: ZMicrosInput.nullable(),
  maxBudgetMicros: ZMicrosInput.nullable(),
  podSecurity: ZPodSecurity,
  maxClustersPerTeam: z.number().int().min(1, 'Allow at least one cluster, or set no limit.').max(10_000).nullable(),
  teamIds: z.array(ZId).max(200).nullable().meta({ description: 'teams that may use the template; null = every team' }),
};
