import { z } from 'zod';
import { ZId, ZOrgSlugParam } from '../../dto.js';

export const ZRevokeClusterTokenParams = z.object({ org: ZOrgSlugParam, clusterId: ZId, kubeconfigTokenId: ZId });
export const ZRevokeClusterTokenResponse = z.null();
