import type { Budget } from '../cost/budget.js';
import { budgetLabel } from '../cost/budget.js';
import { formatMonthlyMicros } from '../cost/money.js';

/**
 * Policy injection point 1: may this team have this logical cluster?
 *
 * Every rule is evaluated and every violation returned, so the console can show them all;
 * the first is the headline. Each violation names its rule and where the rule is defined
 * ("template `prod` is limited to team `platform` by org policy").
 */

/** Where a rule comes from: the platform, the org, or a team of the org, optionally a named policy. */
export interface PolicySource {
  readonly scope: 'platform' | 'org' | 'team' | 'template';
  /** The org, team or template name; omitted for the platform. */
  readonly name?: string;
  /** The policy object's name, when the rule lives in one. */
  readonly policyName?: string;
}

export interface ClusterTemplate {
  readonly name: string;
  /** Regions clusters from this template may use; `null` allows every registered region. */
  readonly allowedRegions: readonly string[] | null;
  readonly defaultBudgetMicros: bigint;
  /** The highest budget a cluster from this template may ask for; `null` for no limit. */
  readonly maxBudgetMicros: bigint | null;
  readonly maxClustersPerTeam: number | null;
  /**
   * Teams (by id) that may use the template, with the policy that says so; `null` when every
   * team may. A sub-team of an allowed team is allowed too, as policy is inherited down the tree.
   */
  readonly teamRestriction: { readonly teamIds: readonly string[]; readonly source: PolicySource } | null;
}

export interface TeamRef {
  readonly id: string;
  readonly name: string;
}

export interface AcquisitionRequest {
  readonly name: string;
  readonly templateName: string;
  readonly regions: readonly string[];
  /** A budget other than the template's default; must be within the template's maximum. */
  readonly budgetMicros?: bigint;
}

export interface AcquisitionContext {
  /** The requesting team first, then its ancestors; the org's name is `orgName`. */
  readonly teamPath: readonly TeamRef[];
  readonly orgName: string;
  /** Templates the org can use (platform-provided and the org's own). */
  readonly templates: readonly ClusterTemplate[];
  /** Regions registered on the platform that accept new clusters. */
  readonly regions: readonly string[];
  /** Further region restrictions from org/team policy; a region must be in every list. */
  readonly regionPolicies?: readonly { readonly regions: readonly string[]; readonly source: PolicySource }[];
  /** The live (not deleted) clusters of the requesting team. */
  readonly teamClusters: readonly { readonly name: string; readonly templateName: string }[];
  /** Count limits that apply (org-wide, per team…), each with its current count. */
  readonly clusterLimits: readonly { readonly label: string; readonly maxClusters: number; readonly currentClusters: number; readonly source: PolicySource }[];
  /** Budgets over the new cluster (teams innermost first, then org), with their committed run-rates. */
  readonly budgets: readonly Budget[];
}

export type AcquisitionRule =
  | 'cluster-name'
  | 'cluster-name-unique'
  | 'template-exists'
  | 'template-teams'
  | 'region-required'
  | 'region-exists'
  | 'region-allowed'
  | 'cluster-count'
  | 'template-count'
  | 'budget-maximum'
  | 'budget-headroom';

export interface AcquisitionViolation {
  readonly rule: AcquisitionRule;
  readonly message: string;
  readonly source?: PolicySource;
}

export type AcquisitionDecision =
  | { readonly allowed: true; readonly budgetMicros: bigint; readonly violations: readonly [] }
  | { readonly allowed: false; readonly headline: string; readonly violations: readonly AcquisitionViolation[] };

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_1123_LABEL_MAX_LENGTH = 63;

/** Kubernetes' RFC 1123 label rule: what a logical cluster's name must be. */
export function isDns1123Label(name: string): boolean {
  return name.length <= DNS_1123_LABEL_MAX_LENGTH && DNS_1123_LABEL.test(name);
}

/** "org policy", "org policy `templates`", "team `web` policy", "the platform", "template `prod`". */
export function describePolicySource(source: PolicySource): string {
  const named = source.policyName ? ` \`${source.policyName}\`` : '';
  switch (source.scope) {
    case 'platform':
      return `platform policy${named}`;
    case 'org':
      return `org policy${named}`;
    case 'team':
      return `team \`${source.name ?? '?'}\` policy${named}`;
    case 'template':
      return `template \`${source.name ?? '?'}\``;
  }
}

function listNames(names: readonly string[]): string {
  const quoted = names.map((name) => `\`${name}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

export function evaluateAcquisition(request: AcquisitionRequest, context: AcquisitionContext): AcquisitionDecision {
  const violations: AcquisitionViolation[] = [];
  const team = context.teamPath[0];
  const teamName = team?.name ?? '?';

  if (!isDns1123Label(request.name)) {
    violations.push({
      rule: 'cluster-name',
      message: `cluster name \`${request.name}\` is not a DNS-1123 label: use at most ${DNS_1123_LABEL_MAX_LENGTH} lower-case letters, digits and '-', starting and ending with a letter or digit`,
    });
  } else if (context.teamClusters.some((cluster) => cluster.name === request.name)) {
    violations.push({ rule: 'cluster-name-unique', message: `team \`${teamName}\` already has a cluster named \`${request.name}\`` });
  }

  const template = context.templates.find((candidate) => candidate.name === request.templateName);
  if (!template) {
    violations.push({ rule: 'template-exists', message: `template \`${request.templateName}\` does not exist in org \`${context.orgName}\`` });
  } else if (template.teamRestriction) {
    const allowedIds = new Set(template.teamRestriction.teamIds);
    if (!context.teamPath.some((ancestor) => allowedIds.has(ancestor.id))) {
      const names = template.teamRestriction.teamIds.map((id) => context.teamPath.find((t) => t.id === id)?.name ?? id);
      const teams = names.length === 0 ? 'no team' : `team${names.length > 1 ? 's' : ''} ${listNames(names)}`;
      violations.push({
        rule: 'template-teams',
        message: `template \`${template.name}\` is limited to ${teams} by ${describePolicySource(template.teamRestriction.source)}`,
        source: template.teamRestriction.source,
      });
    }
  }

  if (request.regions.length === 0) {
    violations.push({ rule: 'region-required', message: 'choose at least one region' });
  }
  const templateSource: PolicySource = { scope: 'template', name: request.templateName };
  for (const region of new Set(request.regions)) {
    if (!context.regions.includes(region)) {
      violations.push({ rule: 'region-exists', message: `region \`${region}\` does not exist or accepts no new clusters` });
      continue;
    }
    if (template?.allowedRegions && !template.allowedRegions.includes(region)) {
      violations.push({
        rule: 'region-allowed',
        message: `region \`${region}\` is not allowed by template \`${template.name}\` (allowed: ${listNames(template.allowedRegions) || 'none'})`,
        source: templateSource,
      });
    }
    for (const policy of context.regionPolicies ?? []) {
      if (!policy.regions.includes(region)) {
        violations.push({
          rule: 'region-allowed',
          message: `region \`${region}\` is not allowed by ${describePolicySource(policy.source)} (allowed: ${listNames(policy.regions) || 'none'})`,
          source: policy.source,
        });
      }
    }
  }

  for (const limit of context.clusterLimits) {
    if (limit.currentClusters + 1 > limit.maxClusters) {
      violations.push({
        rule: 'cluster-count',
        message: `${limit.label} may have at most ${limit.maxClusters} cluster${limit.maxClusters === 1 ? '' : 's'} by ${describePolicySource(limit.source)}, and has ${limit.currentClusters}`,
        source: limit.source,
      });
    }
  }
  if (template?.maxClustersPerTeam !== null && template?.maxClustersPerTeam !== undefined) {
    const fromTemplate = context.teamClusters.filter((cluster) => cluster.templateName === template.name).length;
    if (fromTemplate + 1 > template.maxClustersPerTeam) {
      violations.push({
        rule: 'template-count',
        message: `template \`${template.name}\` allows at most ${template.maxClustersPerTeam} cluster${template.maxClustersPerTeam === 1 ? '' : 's'} per team, and team \`${teamName}\` has ${fromTemplate}`,
        source: templateSource,
      });
    }
  }

  const budgetMicros = request.budgetMicros ?? template?.defaultBudgetMicros ?? 0n;
  if (request.budgetMicros !== undefined && request.budgetMicros < 0n) {
    violations.push({ rule: 'budget-maximum', message: 'a cluster budget must not be negative' });
  }
  if (template && template.maxBudgetMicros !== null && budgetMicros > template.maxBudgetMicros) {
    violations.push({
      rule: 'budget-maximum',
      message: `a budget of ${formatMonthlyMicros(budgetMicros)} is above template \`${template.name}\`'s maximum of ${formatMonthlyMicros(template.maxBudgetMicros)}`,
      source: templateSource,
    });
  }
  // The new cluster may spend up to its budget, so every budget above it needs that much room.
  if (template && budgetMicros > 0n) {
    for (const budget of context.budgets) {
      const headroomMicros = budget.capMicros - budget.committedMicros;
      if (budgetMicros > headroomMicros) {
        violations.push({
          rule: 'budget-headroom',
          message: `a cluster budget of ${formatMonthlyMicros(budgetMicros)} does not fit: ${budgetLabel(budget)} budget ${formatMonthlyMicros(budget.capMicros)} has ${formatMonthlyMicros(budget.committedMicros)} committed`,
          source: budget.scope === 'org' ? { scope: 'org', name: budget.name } : { scope: 'team', name: budget.name },
        });
      }
    }
  }

  const [first] = violations;
  if (first) return { allowed: false, headline: first.message, violations };
  return { allowed: true, budgetMicros, violations: [] };
}
