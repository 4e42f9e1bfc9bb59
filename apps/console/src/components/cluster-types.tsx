import type { z } from 'zod';
import type { ZCluster, ZTemplate } from '../api/dto';

/** The API's DTOs as client components see them (type-only: no zod or core in the bundle). */
export type ClusterView = z.input<typeof ZCluster>;
export type TemplateView = z.input<typeof ZTemplate>;
export type Phase = ClusterView['phase'];

/** Phases the worker leaves a cluster in until someone acts: polling stops here. */
export const TERMINAL_PHASES: readonly Phase[] = ['Ready', 'Deleted', 'Failed'];

export function PhaseBadge({ phase }: { phase: Phase }) {
  return (
    <span className={`badge phase-${phase}`} data-testid="phase">
      {phase}
    </span>
  );
}
