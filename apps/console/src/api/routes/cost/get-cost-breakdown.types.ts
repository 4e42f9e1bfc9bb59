import { z } from 'zod';
import { ZMicros } from '../../dto.js';
import { ZCostNode } from './cost-node.types.js';

const ZLine = z.object({ objects: z.number().int(), priceMicros: ZMicros, price: z.string() });
export const ZGetCostBreakdownResponse = z.object({
  node: ZCostNode,
  byNamespace: z.array(
    ZLine.extend({
      clusterId: z.string(),
      cluster: z.string(),
      namespace: z.string().meta({ description: "'' for cluster-scoped objects and the cluster's base fee" }),
    }),
  ),
  byKind: z.array(ZLine.extend({ kind: z.string().meta({ description: 'LogicalCluster: the base fee of the clusters' }) })),
});
