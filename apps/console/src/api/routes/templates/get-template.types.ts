import { z } from 'zod';
import { ZId, ZOrgSlugParam, ZTemplate } from '../../dto.js';

export const ZGetTemplateParams = z.object({ org: ZOrgSlugParam, templateId: ZId });
export const ZGetTemplateResponse = ZTemplate;
