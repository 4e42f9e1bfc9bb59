import { z } from 'zod';
import { ZOrg } from '../../dto.js';

export const ZListOrgsResponse = z.object({ orgs: z.array(ZOrg) });
