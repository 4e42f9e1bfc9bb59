import { describe, expect, it } from 'vitest';
import { builtinTypes } from './builtin.js';
import { pdbBound, validatePodDisruptionBudget } from './pdb.js';
import type { KubeObject } from './types.js';

const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  ...(status ? { status } : {}),
});
const fields = (obj: KubeObject) => validatePodDisruptionBudget(obj).map((i) => `${i.field}: ${i.message}`);

describe('PodDisruptionBudget validation', () => {
  it('accepts one bound as an int or a percentage, or none (policy/v1 allows every disruption then)', () => {
    expect(fields(pdb({ minAvailable: 1 }))).toEqual([]);
    expect(fields(pdb({ maxUnavailable: '25%' }))).toEqual([]);
    expect(fields(pdb({}))).toEqual([]);
  });

  it('refuses both bounds, bad percentages, negatives and more than 100%', () => {
    expect(fields(pdb({ minAvailable: 1, maxUnavailable: 1 }))).toEqual([
      'spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    ]);
    expect(fields(pdb({ minAvailable: '50' }))).toEqual([
      `spec.minAvailable: Invalid value: "50": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    ]);
    expect(fields(pdb({ maxUnavailable: -1 }))).toEqual(['spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0']);
    expect(fields(pdb({ minAvailable: '110%' }))).toEqual(['spec.minAvailable: Invalid value: "110%": must not be greater than 100%']);
  });

  it('checks the selector, the eviction policy and the status counters', () => {
    expect(
      fields(
        pdb(
          {
            selector: {
              matchExpressions: [
                { key: 'app', operator: 'In' },
                { key: 'x', operator: 'Near', values: ['a'] },
              ],
            },
            unhealthyPodEvictionPolicy: 'Sometimes',
          },
          { disruptionsAllowed: -1 },
        ),
      ),
    ).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector.matchExpressions[1].operator: Invalid value: "Near": not a valid selector operator',
      'spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"',
      'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('reports an int-or-string of neither type once, after the schema', async () => {
    const type = builtinTypes.find((t) => t.kind === 'PodDisruptionBudget')!;
    expect(await type.validate!(pdb({ minAvailable: 1.5 }))).toEqual([
      { field: 'spec.minAvailable', message: 'Invalid value: must be of type string or integer' },
    ]);
  });

  it('prints bounds as given and N/A when unset', () => {
    expect([pdbBound(1), pdbBound('50%'), pdbBound(undefined)]).toEqual(['1', '50%', 'N/A']);
  });
});
