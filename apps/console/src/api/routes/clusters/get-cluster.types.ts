import { z } from 'zod';
import { ZCluster, ZId, ZOrgSlugParam } from '../../dto.js';

export const ZClusterParams = z.object({ org: ZOrgSlugParam, clusterId: ZId });
export const ZGetClusterResponse = ZCluster;
