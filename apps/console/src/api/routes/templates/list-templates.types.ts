import { z } from 'zod';
import { ZOrgParams, ZTemplate } from '../../dto.js';

export const ZListTemplatesParams = ZOrgParams;
export const ZListTemplatesResponse = z.object({ templates: z.array(ZTemplate) });
