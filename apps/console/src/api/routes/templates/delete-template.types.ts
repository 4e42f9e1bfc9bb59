import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZDeleteTemplateParams = z.object({ org: ZOrgSlugParam, templateId: ZId });
export const ZDeleteTemplateResponse = z.null();
