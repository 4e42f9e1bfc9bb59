import { z } from 'zod';
import { ZCluster, ZId, ZOrgParams } from '../../dto.js';

export const ZListClustersParams = ZOrgParams;
export const ZListClustersQuery = z.object({
  teamId: ZId.optional().meta({ description: 'only this team’s clusters' }),
  includeDeleted: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'include tombstones of deleted clusters' }),
});
export const ZListClustersResponse = z.object({ clusters: z.array(ZCluster) });
