import type { PodSecurityLevel } from '../../generated/prisma/enums.js';

/** A cluster template as the console shows it; `orgId` null = provided by the platform (read-only to orgs). */
export interface TemplateRow {
  id: string;
  orgId: string | null;
  slug: string;
  name: string;
  description: string;
  apiSets: string[];
  /** Empty = every region. */
  allowedRegions: string[];
  defaultBudgetMicros: bigint | null;
  maxBudgetMicros: bigint | null;
  podSecurity: PodSecurityLevel;
  maxClustersPerTeam: number | null;
  /** Teams that may use the template; null = every team of the org. */
  teams: Array<{ id: string; slug: string; name: string }> | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The include that `toTemplateRow` needs; team rows are filtered to the asking org. */
export function templateInclude(orgId: string) {
  return { teams: { where: { team: { orgId } }, include: { team: { select: { id: true, slug: true, name: true } } } } } as const;
}

export function toTemplateRow(t: {
  id: string;
  orgId: string | null;
  slug: string;
  name: string;
  description: string;
  apiSets: string[];
  allowedRegions: string[];
  defaultBudgetMicros: bigint | null;
  maxBudgetMicros: bigint | null;
  podSecurity: PodSecurityLevel;
  maxClustersPerTeam: number | null;
  restrictedToTeams: boolean;
  createdAt: Date;
  updatedAt: Date;
  teams: Array<{ team: { id: string; slug: string; name: string } }>;
}): TemplateRow {
  return {
    id: t.id,
    orgId: t.orgId,
    slug: t.slug,
    name: t.name,
    description: t.description,
    apiSets: t.apiSets,
    allowedRegions: t.allowedRegions,
    defaultBudgetMicros: t.defaultBudgetMicros,
    maxBudgetMicros: t.maxBudgetMicros,
    podSecurity: t.podSecurity,
    maxClustersPerTeam: t.maxClustersPerTeam,
    teams: t.restrictedToTeams ? t.teams.map((x) => x.team).sort((a, b) => a.slug.localeCompare(b.slug)) : null,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
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
