import type { Logger } from '@atrium/config';
import type { LogicalClusterForReconcile, LogicalClusterStatusPatch, PrismaClient } from '@atrium/db';
import type { KcpClient, Workspace } from '@atrium/kube';
import type { ClusterEvents } from './events.js';

/**
 * kcp's reconciler shape: a chain of small steps, each idempotent and safe to
 * re-run from scratch; each says continue, stop (done for this pass) or
 * requeue; the status they accumulate is committed once at the end.
 */
export type StepResult = { kind: 'continue' } | { kind: 'stop' } | { kind: 'requeue'; afterMs: number; reason: string };

export interface ReconcileContext {
  cluster: LogicalClusterForReconcile;
  prisma: PrismaClient;
  kcp: KcpClient;
  /** Draft of the status to commit; steps write into it. */
  status: LogicalClusterStatusPatch;
  logger: Logger;
  /** How long a step may wait in-process for the backend before requeueing. */
  waitBudgetMs: number;
  /** The cluster's Workspace as last read or written in this pass, so later steps need not read it again. */
  workspace?: Workspace;
  /** The template's WorkspaceType (`spec.type` of the cluster's Workspace), once ensured in this pass. */
  workspaceType?: { name: string; path: string };
  /** Kubernetes Events about the cluster's Workspace, written in the background and awaited before the status commit. */
  events: ClusterEvents;
}

export type Step = { name: string; run(ctx: ReconcileContext): Promise<StepResult> };

export const CONTINUE: StepResult = { kind: 'continue' };

/** An error that retrying cannot fix (bad template, forbidden type): the cluster goes to Failed. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}
