import { describe, expect, it } from 'vitest';
import { builtinTypes } from './builtin.js';
import { defaultPriorityClass, validatePriorityClass } from './scheduling.js';
import type { KubeObject } from './types.js';

const pc = (name: string, fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  ...fields,
});
const issues = (obj: KubeObject) => validatePriorityClass(obj).map((i) => `${i.field}: ${i.message}`);

describe('PriorityClass defaults and validation', () => {
  it('defaults preemptionPolicy to PreemptLowerPriority, keeping a given one', () => {
    const bare = pc('high', { value: 1000 });
    defaultPriorityClass(bare);
    expect(bare.preemptionPolicy).toBe('PreemptLowerPriority');
    const never = pc('batch', { value: 1, preemptionPolicy: 'Never' });
    defaultPriorityClass(never);
    expect(never.preemptionPolicy).toBe('Never');
  });

  it('requires a value no higher than 1000000000 for user classes', () => {
    expect(issues(pc('high', { value: 1_000_000_000 }))).toEqual([]);
    expect(issues(pc('high', {}))).toEqual(['value: Required value']);
    expect(issues(pc('high', { value: 1_000_000_001 }))).toEqual(['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  });

  it('reserves the system- prefix for the two system classes', () => {
    expect(issues(pc('system-node-critical', { value: 2_000_001_000 }))).toEqual([]);
    expect(issues(pc('system-cluster-critical', { value: 5 }))).toEqual([
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000",
    ]);
    expect(issues(pc('system-mine', { value: 5 }))).toEqual([
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
    ]);
  });

  it('checks preemptionPolicy, and the schema checks value is an int32', async () => {
    expect(issues(pc('high', { value: 1, preemptionPolicy: 'Always' }))).toEqual([
      'preemptionPolicy: Unsupported value: "Always": supported values: "Never", "PreemptLowerPriority"',
    ]);
    const type = builtinTypes.find((t) => t.kind === 'PriorityClass')!;
    expect(await type.validate!(pc('high', { value: 2 ** 31 }))).toEqual([{ field: 'value', message: 'Invalid value: must be a 32-bit integer' }]);
  });
});
