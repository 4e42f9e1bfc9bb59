import { describe, expect, it } from 'vitest';
import { leaseHolder, validateLease } from './coordination.js';
import type { KubeObject } from './types.js';

const lease = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec });
const issues = (obj: KubeObject) => validateLease(obj).map((i) => `${i.field}: ${i.message}`);

describe('Lease validation and HOLDER cell', () => {
  it('accepts an ordinary lease and refuses non-positive durations and negative transitions', () => {
    expect(issues(lease({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 }))).toEqual([]);
    expect(issues(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 }))).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('allows a preferred holder only with a strategy', () => {
    expect(issues(lease({ preferredHolder: 'b' }))).toEqual(['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']);
    expect(issues(lease({ preferredHolder: 'b', strategy: 'OldestEmulationVersion' }))).toEqual([]);
  });

  it('prints the holder, blank when nobody holds it', () => {
    expect(leaseHolder(lease({ holderIdentity: 'node-1' }))).toBe('node-1');
    expect(leaseHolder(lease({}))).toBe('');
  });
});
