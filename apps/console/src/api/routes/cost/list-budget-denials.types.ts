import { z } from 'zod';
import { ZMicros } from '../../dto.js';

const iso = z.string().meta({ format: 'date-time' });
export const ZListBudgetDenialsResponse = z.object({
  denials: z.array(
    z.object({
      id: z.string(),
      clusterId: z.string(),
      cluster: z.string(),
      team: z.string().meta({ description: "the cluster's team slug" }),
      object: z.string().meta({ example: 'Service default/web (LoadBalancer)' }),
      deltaMicros: ZMicros.meta({ description: 'what the refused change would have added' }),
      delta: z.string(),
      message: z.string().meta({ description: 'the exact message the client got with its 403' }),
      username: z.string().meta({ description: 'the Kubernetes user that made the request' }),
      createdAt: iso,
    }),
  ),
});
