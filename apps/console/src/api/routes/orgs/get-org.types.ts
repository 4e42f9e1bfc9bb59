import { z } from 'zod';
import { ZOrg, ZOrgParams } from '../../dto.js';

export const ZGetOrgParams = ZOrgParams;
export const ZGetOrgResponse = ZOrg.extend({ permissions: z.array(z.string()) });
