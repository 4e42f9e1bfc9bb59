import { z } from 'zod';
import { ZId, ZOrgSlugParam, ZTemplate } from '../../dto.js';
import { templateFields } from './template-fields.js';

export const ZUpdateTemplateParams = z.object({ org: ZOrgSlugParam, templateId: ZId });
export const ZUpdateTemplateBody = z
  .object({
    name: templateFields.name.optional(),
    description: templateFields.description.optional(),
    apiSets: templateFields.apiSets.optional(),
    allowedRegions: templateFields.allowedRegions.optional(),
    defaultBudgetMicros: templateFields.defaultBudgetMicros.optional(),
    maxBudgetMicros: templateFields.maxBudgetMicros.optional(),
    podSecurity: templateFields.podSecurity.optional(),
    maxClustersPerTeam: templateFields.maxClustersPerTeam.optional(),
    teamIds: templateFields.teamIds.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'Send at least one field to change (the slug cannot change).');
export const ZUpdateTemplateResponse = ZTemplate;
