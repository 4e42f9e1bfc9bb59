import { z } from 'zod';

export { ZClusterParams as ZClusterEventsParams } from './get-cluster.types.js';

const ZTime = z.string().nullable().meta({ description: 'RFC 3339' });

export const ZClusterEvent = z.object({
  reason: z.string().meta({ description: 'e.g. WorkspaceCreated, Initializing, Ready, RBACBound, DefaultsApplied, DeletionStarted, Deleted, ReconcileError' }),
  message: z.string(),
  type: z.enum(['Normal', 'Warning']),
  count: z.number().int().meta({ description: 'How often this reason occurred (repeats update one Event, as Kubernetes does)' }),
  firstTimestamp: ZTime,
  lastTimestamp: ZTime,
});

export const ZClusterEventsResponse = z.object({
  workspace: z.object({
    state: z
      .enum(['found', 'absent', 'unavailable'])
      .meta({ description: 'absent: no Workspace at the path (not yet, or deleted); unavailable: the backend did not answer' }),
    phase: z.string().nullable(),
    conditions: z.array(
      z.object({ type: z.string(), status: z.string(), reason: z.string().nullable(), message: z.string().nullable(), lastTransitionTime: ZTime }),
    ),
    detail: z.string().optional(),
  }),
  events: z.array(ZClusterEvent).meta({ description: "The backend's Events about the cluster's Workspace, oldest first" }),
  eventsUnavailable: z.string().optional().meta({ description: 'Why events could not be read, when the backend did not answer' }),
});
export type ClusterEventsResponse = z.infer<typeof ZClusterEventsResponse>;
