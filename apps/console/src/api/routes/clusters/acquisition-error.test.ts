import { describe, expect, it } from 'vitest';
import { acquisitionDenied } from './acquisition-error.js';

describe('acquisitionDenied', () => {
  it('answers a policy denial with 403, naming the rule and where it is defined', () => {
    const e = acquisitionDenied('template `production` is limited to team `platform` by org policy', [
      { rule: 'template-teams', message: 'template `production` is limited to team `platform` by org policy', source: { scope: 'org', name: 'demo' } },
      { rule: 'cluster-name', message: 'bad name' },
    ]);
    expect(e.httpStatus).toBe(403);
    expect(e.message).toBe('template `production` is limited to team `platform` by org policy');
    expect(e.details).toEqual({
      violations: [
        { rule: 'template-teams', message: 'template `production` is limited to team `platform` by org policy', definedBy: 'org policy' },
        { rule: 'cluster-name', message: 'bad name', definedBy: null },
      ],
      fields: { template: ['template `production` is limited to team `platform` by org policy'], name: ['bad name'] },
    });
  });

  it('answers a request to fix with 422, and a taken name alone with 409', () => {
    expect(acquisitionDenied('x', [{ rule: 'region-exists', message: 'x' }]).httpStatus).toBe(422);
    expect(acquisitionDenied('x', [{ rule: 'cluster-name-unique', message: 'x' }]).httpStatus).toBe(409);
    expect(
      acquisitionDenied('x', [
        { rule: 'cluster-name-unique', message: 'x' },
        { rule: 'region-required', message: 'y' },
      ]).httpStatus,
    ).toBe(422);
    const budget = acquisitionDenied('x', [{ rule: 'budget-headroom', message: 'no room', source: { scope: 'team', name: 'web' } }]);
    expect(budget.httpStatus).toBe(403);
    expect(budget.details).toMatchObject({ violations: [{ definedBy: 'team `web` policy' }], fields: { budgetMicros: ['no room'] } });
  });
});
