import { type AcquisitionRule, type AcquisitionViolation, AppError, describePolicySource } from '@atrium/core';

/** Rules that are the org's or platform's policy saying no (403), as opposed to a request to fix (422 / 409). */
const POLICY_RULES: ReadonlySet<AcquisitionRule> = new Set([
  'template-teams',
  'region-allowed',
  'cluster-count',
  'template-count',
  'budget-maximum',
  'budget-headroom',
]);

/** Which request field each rule is about, for inline messages in the request form. */
const FIELD_OF: Record<AcquisitionRule, string> = {
  'cluster-name': 'name',
  'cluster-name-unique': 'name',
  'template-exists': 'template',
  'template-teams': 'template',
  'template-count': 'template',
  'region-required': 'regions',
  'region-exists': 'regions',
  'region-allowed': 'regions',
  'cluster-count': 'teamId',
  'budget-maximum': 'budgetMicros',
  'budget-headroom': 'budgetMicros',
};

/**
 * An acquisition denial as the API's error: the headline as the message, every violation with
 * its rule and where the rule is defined in `details.violations`, and per-field messages.
 */
export function acquisitionDenied(headline: string, violations: readonly AcquisitionViolation[]): AppError {
  const policy = violations.some((v) => POLICY_RULES.has(v.rule));
  const code = policy ? 'FORBIDDEN' : violations.every((v) => v.rule === 'cluster-name-unique') ? 'CONFLICT' : 'VALIDATION_FAILED';
  const fields: Record<string, string[]> = {};
  for (const v of violations) {
    const field = FIELD_OF[v.rule];
    fields[field] = [...(fields[field] ?? []), v.message];
  }
  return new AppError(code, headline, {
    details: {
      violations: violations.map((v) => ({ rule: v.rule, message: v.message, definedBy: v.source ? describePolicySource(v.source) : null })),
      fields,
    },
  });
}
