import type { Logger } from '@atrium/config';
import type { LogicalClusterForReconcile, LogicalClusterStatusPatch } from '@atrium/db';
import type { KcpClient } from '@atrium/kube';

/**
 * kcp's reconciler shape: a chain of small steps, each idempotent and safe to
 * re-run from scratch; each says continue, stop (done for this pass) or
 * requeue; the status they accumulate is committed once at the end.
 */
export type StepResult = { kind: 'continue' } | { kind: 'stop' } | { kind: 'requeue'; afterMs: number; reason: string };

export interface ReconcileContext {
  cluster: LogicalClusterForReconcile;
  kcp: KcpClient;
  /** Draft of the status to commit; steps write into it. */
  status: LogicalClusterStatusPatch;
  logger: Logger;
  /** How long a step may wait in-process for the backend before requeueing. */
  waitBudgetMs: number;
}

export type Step = { name: string; run(ctx: ReconcileContext): Promise<StepResult> };

export const CONTINUE: StepResult = { kind: 'continue' };

/** An error that retrying cannot fix (bad template, forbidden type): the cluster goes to Failed. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}
