import { ZCluster } from '../../dto.js';

export { ZClusterParams as ZDeleteClusterParams } from './get-cluster.types.js';
export const ZDeleteClusterResponse = ZCluster;
