import { slugSchema } from '@atrium/core';
import { z } from 'zod';
import { ZOrgParams, ZTemplate } from '../../dto.js';
import { templateFields } from './template-fields.js';

export const ZCreateTemplateParams = ZOrgParams;
export const ZCreateTemplateBody = z.object({
  slug: slugSchema,
  name: templateFields.name,
  description: templateFields.description.default(''),
  apiSets: templateFields.apiSets.default([]),
  allowedRegions: templateFields.allowedRegions.default([]),
  defaultBudgetMicros: templateFields.defaultBudgetMicros.default(null),
  maxBudgetMicros: templateFields.maxBudgetMicros.default(null),
  podSecurity: templateFields.podSecurity.default('baseline'),
  maxClustersPerTeam: templateFields.maxClustersPerTeam.default(null),
  teamIds: templateFields.teamIds.default(null),
});
export const ZCreateTemplateResponse = ZTemplate;
