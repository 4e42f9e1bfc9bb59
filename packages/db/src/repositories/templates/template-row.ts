import type { ClusterTemplate } from '../../generated/prisma/client.js';
import type { PodSecurityLevel } from '../../generated/prisma/enums.js';

/** A cluster template as the console shows it; `orgId` null = provided by the platform (read-only to orgs). */
export type TemplateRow = Omit<ClusterTemplate, 'baseFeeMicros' | 'restrictedToTeams'> & {
  /** Teams that may use the template; null = every team of the org. (`allowedRegions` empty = every region.) */
  teams: Array<{ id: string; slug: string; name: string }> | null;
};

/** The include that `toTemplateRow` needs; team rows are filtered to the asking org. */
export function templateInclude(orgId: string) {
  return { teams: { where: { team: { orgId } }, include: { team: { select: { id: true, slug: true, name: true } } } } } as const;
}

export function toTemplateRow(t: ClusterTemplate & { teams: Array<{ team: { id: string; slug: string; name: string } }> }): TemplateRow {
  const { baseFeeMicros: _baseFee, restrictedToTeams, teams, ...fields } = t;
  return { ...fields, teams: restrictedToTeams ? teams.map((x) => x.team).sort((a, b) => a.slug.localeCompare(b.slug)) : null };
}

/** What an org admin sets on a template. */
export interface TemplateInput {
  slug: string;
  name: string;
  description: string;
  apiSets: string[];
  allowedRegions: string[];
  defaultBudgetMicros: bigint | null;
  maxBudgetMicros: bigint | null;
  podSecurity: PodSecurityLevel;
  maxClustersPerTeam: number | null;
  /** Team ids of the org; null = every team. */
  teamIds: string[] | null;
}
