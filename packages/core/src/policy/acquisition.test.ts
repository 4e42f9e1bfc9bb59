import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcquisitionContext,
  type AcquisitionRequest,
  type AcquisitionRule,
  type ClusterTemplate,
  describePolicySource,
  evaluateAcquisition,
  isDns1123Label,
} from './acquisition.js';

const M = 1_000_000n;

const dev: ClusterTemplate = {
  name: 'dev',
  allowedRegions: null,
  defaultBudgetMicros: 10n * M,
  maxBudgetMicros: 50n * M,
  maxClustersPerTeam: 3,
  teamRestriction: null,
};
const prod: ClusterTemplate = {
  name: 'prod',
  allowedRegions: ['eu-west', 'us-east'],
  defaultBudgetMicros: 100n * M,
  maxBudgetMicros: null,
  maxClustersPerTeam: null,
  teamRestriction: { teamIds: ['t-platform'], source: { scope: 'org', name: 'acme' } },
};

const base: AcquisitionContext = {
  teamPath: [
    { id: 't-checkout', name: 'checkout' },
    { id: 't-web', name: 'web' },
  ],
  orgName: 'acme',
  templates: [dev, prod],
  regions: ['eu-west', 'us-east', 'ap-south'],
  teamClusters: [
    { name: 'existing', templateName: 'dev' },
    { name: 'other', templateName: 'prod' },
  ],
  clusterLimits: [],
  budgets: [
    { scope: 'team', id: 't-checkout', name: 'checkout', capMicros: 50n * M, committedMicros: 20n * M },
    { scope: 'org', id: 'o', name: 'acme', capMicros: 1000n * M, committedMicros: 0n },
  ],
};
const request: AcquisitionRequest = { name: 'shop-dev', templateName: 'dev', regions: ['eu-west'] };

const rulesOf = (req: AcquisitionRequest, ctx: AcquisitionContext = base): AcquisitionRule[] => {
  const decision = evaluateAcquisition(req, ctx);
  return decision.allowed ? [] : decision.violations.map((violation) => violation.rule);
};

describe('evaluateAcquisition', () => {
  it('allows a valid request and reports the budget the cluster gets', () => {
    expect(evaluateAcquisition(request, base)).toEqual({ allowed: true, budgetMicros: 10n * M, violations: [] });
  });

  it('names the template restriction and where it is defined', () => {
    const decision = evaluateAcquisition({ ...request, templateName: 'prod' }, base);
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.headline).toBe('template `prod` is limited to team `t-platform` by org policy');
    expect(decision.violations[0]?.source).toEqual({ scope: 'org', name: 'acme' });
  });

  it('uses team names it knows, and allows a sub-team of an allowed team', () => {
    const platformPath = [
      { id: 't-sre', name: 'sre' },
      { id: 't-platform', name: 'platform' },
    ];
    expect(evaluateAcquisition({ ...request, templateName: 'prod' }, { ...base, teamPath: platformPath, budgets: [] }).allowed).toBe(true);
    const named: ClusterTemplate = { ...prod, teamRestriction: { teamIds: ['t-web', 't-x'], source: { scope: 'org', policyName: 'prod-teams' } } };
    const decision = evaluateAcquisition({ ...request, templateName: 'prod' }, { ...base, templates: [named], budgets: [] });
    expect(decision.allowed).toBe(true); // checkout is under web
    const none: ClusterTemplate = { ...prod, teamRestriction: { teamIds: ['t-a', 't-b', 't-c'], source: { scope: 'org', policyName: 'prod-teams' } } };
    const denied = evaluateAcquisition({ ...request, templateName: 'prod' }, { ...base, templates: [none], budgets: [] });
    expect(denied.allowed ? '' : denied.headline).toBe('template `prod` is limited to teams `t-a`, `t-b` and `t-c` by org policy `prod-teams`');
    const empty: ClusterTemplate = { ...prod, teamRestriction: { teamIds: [], source: { scope: 'platform' } } };
    const nobody = evaluateAcquisition({ ...request, templateName: 'prod' }, { ...base, templates: [empty], budgets: [] });
    expect(nobody.allowed ? '' : nobody.headline).toBe('template `prod` is limited to no team by platform policy');
  });

  type Case = [string, Partial<AcquisitionRequest>, Partial<AcquisitionContext>, AcquisitionRule[]];
  const cases: Case[] = [
    ['valid', {}, {}, []],
    ['upper-case name', { name: 'Shop' }, {}, ['cluster-name']],
    ['empty name', { name: '' }, {}, ['cluster-name']],
    ['leading dash', { name: '-shop' }, {}, ['cluster-name']],
    ['trailing dash', { name: 'shop-' }, {}, ['cluster-name']],
    ['dot', { name: 'shop.dev' }, {}, ['cluster-name']],
    ['underscore', { name: 'shop_dev' }, {}, ['cluster-name']],
    ['64 characters', { name: 'a'.repeat(64) }, {}, ['cluster-name']],
    ['63 characters', { name: 'a'.repeat(63) }, {}, []],
    ['single digit', { name: '7' }, {}, []],
    ['name taken in the team', { name: 'existing' }, {}, ['cluster-name-unique']],
    ['unknown template', { templateName: 'gpu' }, {}, ['template-exists']],
    ['template limited to another team', { templateName: 'prod' }, { budgets: [] }, ['template-teams']],
    ['no region', { regions: [] }, {}, ['region-required']],
    ['unknown region', { regions: ['mars-1'] }, {}, ['region-exists']],
    [
      'region not allowed by the template',
      { templateName: 'prod', regions: ['ap-south'] },
      { teamPath: [{ id: 't-platform', name: 'platform' }], budgets: [] },
      ['region-allowed'],
    ],
    ['duplicate regions are checked once', { regions: ['mars-1', 'mars-1'] }, {}, ['region-exists']],
    [
      'region outside an org region policy',
      { regions: ['us-east'] },
      { regionPolicies: [{ regions: ['eu-west'], source: { scope: 'org', policyName: 'eu-only' } }] },
      ['region-allowed'],
    ],
    [
      'region inside every policy',
      { regions: ['eu-west'] },
      {
        regionPolicies: [
          { regions: ['eu-west', 'us-east'], source: { scope: 'org' } },
          { regions: ['eu-west'], source: { scope: 'team', name: 'web' } },
        ],
      },
      [],
    ],
    [
      'org cluster limit reached',
      {},
      { clusterLimits: [{ label: 'org `acme`', maxClusters: 10, currentClusters: 10, source: { scope: 'org' } }] },
      ['cluster-count'],
    ],
    ['org cluster limit not reached', {}, { clusterLimits: [{ label: 'org `acme`', maxClusters: 10, currentClusters: 9, source: { scope: 'org' } }] }, []],
    [
      'team and org limits both reached',
      {},
      {
        clusterLimits: [
          { label: 'team `checkout`', maxClusters: 2, currentClusters: 2, source: { scope: 'team', name: 'web' } },
          { label: 'org `acme`', maxClusters: 0, currentClusters: 0, source: { scope: 'platform' } },
        ],
      },
      ['cluster-count', 'cluster-count'],
    ],
    [
      'template count per team reached',
      {},
      {
        teamClusters: [
          { name: 'a', templateName: 'dev' },
          { name: 'b', templateName: 'dev' },
          { name: 'c', templateName: 'dev' },
        ],
      },
      ['template-count'],
    ],
    [
      'other templates do not count towards the template limit',
      {},
      { teamClusters: [1, 2, 3, 4, 5].map((n) => ({ name: `p${n}`, templateName: 'prod' })) },
      [],
    ],
    ['budget above the template maximum', { budgetMicros: 51n * M }, { budgets: [] }, ['budget-maximum']],
    ['budget at the template maximum', { budgetMicros: 50n * M }, { budgets: [] }, []],
    ['negative budget', { budgetMicros: -1n }, {}, ['budget-maximum']],
    ['zero budget needs no headroom', { budgetMicros: 0n }, { budgets: [{ scope: 'team', id: 't', name: 'x', capMicros: 0n, committedMicros: 5n }] }, []],
    [
      'default budget does not fit the team budget',
      {},
      { budgets: [{ scope: 'team', id: 't', name: 'checkout', capMicros: 25n * M, committedMicros: 20n * M }] },
      ['budget-headroom'],
    ],
    ['default budget fits exactly', {}, { budgets: [{ scope: 'team', id: 't', name: 'checkout', capMicros: 30n * M, committedMicros: 20n * M }] }, []],
    [
      'both team and org lack headroom',
      {},
      {
        budgets: [
          { scope: 'team', id: 't', name: 'checkout', capMicros: 25n * M, committedMicros: 20n * M },
          { scope: 'org', id: 'o', name: 'acme', capMicros: 5n * M, committedMicros: 0n },
        ],
      },
      ['budget-headroom', 'budget-headroom'],
    ],
    ['everything wrong at once', { name: 'Bad_Name', templateName: 'nope', regions: [] }, {}, ['cluster-name', 'template-exists', 'region-required']],
  ];

  it.each(cases)('%s', (_name, req, ctx, expected) => {
    expect(rulesOf({ ...request, ...req }, { ...base, ...ctx })).toEqual(expected);
  });

  it.each([
    [{ name: 'Shop' }, {}, 'cluster name `Shop` is not a DNS-1123 label'],
    [{ name: 'existing' }, {}, 'team `checkout` already has a cluster named `existing`'],
    [{ templateName: 'gpu' }, {}, 'template `gpu` does not exist in org `acme`'],
    [{ regions: ['mars-1'] }, {}, 'region `mars-1` does not exist or accepts no new clusters'],
    [
      { templateName: 'prod', regions: ['ap-south'] },
      { teamPath: [{ id: 't-platform', name: 'platform' }], budgets: [] },
      'region `ap-south` is not allowed by template `prod` (allowed: `eu-west` and `us-east`)',
    ],
    [
      { regions: ['us-east'] },
      { regionPolicies: [{ regions: ['eu-west'], source: { scope: 'team' as const, name: 'web', policyName: 'eu-only' } }] },
      'region `us-east` is not allowed by team `web` policy `eu-only` (allowed: `eu-west`)',
    ],
    [
      {},
      { clusterLimits: [{ label: 'team `checkout`', maxClusters: 1, currentClusters: 1, source: { scope: 'org' as const, policyName: 'limits' } }] },
      'team `checkout` may have at most 1 cluster by org policy `limits`, and has 1',
    ],
    [
      {},
      { teamClusters: ['a', 'b', 'c'].map((name) => ({ name, templateName: 'dev' })) },
      'template `dev` allows at most 3 clusters per team, and team `checkout` has 3',
    ],
    [{ budgetMicros: 51n * M }, {}, "a budget of $51.00/mo is above template `dev`'s maximum of $50.00/mo"],
    [
      {},
      { budgets: [{ scope: 'team' as const, id: 't', name: 'checkout', capMicros: 25n * M, committedMicros: 20n * M }] },
      'a cluster budget of $10.00/mo does not fit: team checkout budget $25.00/mo has $20.00/mo committed',
    ],
  ])('denial message %#', (req, ctx, headline) => {
    const decision = evaluateAcquisition({ ...request, ...req }, { ...base, ...ctx });
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.headline.startsWith(headline)).toBe(true);
      expect(decision.headline).toBe(decision.violations[0]?.message);
    }
  });
});

describe('describePolicySource', () => {
  it.each([
    [{ scope: 'org' as const }, 'org policy'],
    [{ scope: 'org' as const, policyName: 'templates' }, 'org policy `templates`'],
    [{ scope: 'team' as const, name: 'web' }, 'team `web` policy'],
    [{ scope: 'platform' as const }, 'platform policy'],
    [{ scope: 'template' as const, name: 'prod' }, 'template `prod`'],
  ])('%j → %s', (source, text) => {
    expect(describePolicySource(source)).toBe(text);
  });
});

describe('isDns1123Label properties', () => {
  it('accepts every generated label and rejects anything with a character outside [a-z0-9-]', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    fc.assert(fc.property(label, (name) => isDns1123Label(name)));
    fc.assert(
      fc.property(label, fc.constantFrom('A', '_', '.', ' ', 'é', '/'), fc.nat(), (name, bad, at) => {
        const i = at % (name.length + 1);
        return !isDns1123Label(name.slice(0, i) + bad + name.slice(i));
      }),
    );
  });

  it('the decision is allowed exactly when there are no violations, and the headline is the first', () => {
    const arb = fc.record({
      name: fc.constantFrom('ok', 'existing', 'Bad', ''),
      templateName: fc.constantFrom('dev', 'prod', 'none'),
      regions: fc.subarray(['eu-west', 'us-east', 'ap-south', 'mars-1']),
      budgetMicros: fc.option(fc.bigInt({ min: -1n, max: 200n * M }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arb, (req) => {
        const decision = evaluateAcquisition(req, base);
        if (decision.allowed) expect(decision.violations).toEqual([]);
        else {
          expect(decision.violations.length).toBeGreaterThan(0);
          expect(decision.headline).toBe(decision.violations[0]!.message);
        }
      }),
    );
  });
});
