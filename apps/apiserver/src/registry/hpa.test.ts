import { describe, expect, it } from 'vitest';
import { builtinTypes } from './builtin.js';
import { defaultHorizontalPodAutoscaler, hpaTargets, validateHorizontalPodAutoscaler } from './hpa.js';
import type { KubeObject } from './types.js';

const hpa = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec },
  ...(status ? { status } : {}),
});
const fields = (obj: KubeObject) => validateHorizontalPodAutoscaler(obj).map((i) => `${i.field}: ${i.message}`);
const cpu = (averageUtilization: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } });

describe('HorizontalPodAutoscaler defaults', () => {
  it('fills minReplicas 1 and the 80% cpu metric, and leaves given values alone', () => {
    const bare = hpa({});
    defaultHorizontalPodAutoscaler(bare);
    expect(bare.spec).toMatchObject({ minReplicas: 1, metrics: [cpu(80)] });
    const given = hpa({ minReplicas: 2, metrics: [cpu(50)] });
    defaultHorizontalPodAutoscaler(given);
    expect(given.spec).toMatchObject({ minReplicas: 2, metrics: [cpu(50)] });
  });

  it('completes a given behavior with both directions’ defaults, keeping what was set', () => {
    const obj = hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    defaultHorizontalPodAutoscaler(obj);
    expect((obj.spec as { behavior: unknown }).behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  it('ignores ill-typed specs (the schema reports them)', () => {
    const obj = { ...hpa({}), spec: 'nope' } as KubeObject;
    defaultHorizontalPodAutoscaler(obj);
    expect(obj.spec).toBe('nope');
  });
});

describe('HorizontalPodAutoscaler validation', () => {
  it('accepts a defaulted object', () => {
    const obj = hpa({});
    defaultHorizontalPodAutoscaler(obj);
    expect(fields(obj)).toEqual([]);
  });

  it('checks replica bounds with Kubernetes’ messages', () => {
    expect(fields(hpa({ minReplicas: 0, maxReplicas: 0 }))).toEqual([
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    ]);
    expect(fields(hpa({ minReplicas: 4, maxReplicas: 2 }))).toEqual(['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
  });

  it('requires a non-empty, path-safe scale target, and checks metrics only once it is valid', () => {
    expect(fields(hpa({ scaleTargetRef: { kind: '', name: 'a/b' }, metrics: [{ type: 'Nope' }] }))).toEqual([
      'spec.scaleTargetRef.kind: Required value',
      'spec.scaleTargetRef.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
  });

  it('checks each metric’s type, source and target', () => {
    expect(
      fields(
        hpa({
          metrics: [
            { type: 'Nope' },
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } },
            { type: 'Resource', resource: { name: 'gpu', target: { type: 'AverageValue', averageValue: '0' } } },
            { type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          ],
        }),
      ),
    ).toEqual([
      'spec.metrics[0].type: Unsupported value: "Nope": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      'spec.metrics[1].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
      'spec.metrics[2].resource.name: Invalid value: "gpu": must be a standard resource for containers',
      'spec.metrics[2].resource.target.averageValue: Invalid value: 0: must be positive',
      'spec.metrics[3].pods: Required value: must populate information for the given metric source',
      'spec.metrics[3].resource: Forbidden: must populate the given metric source only',
    ]);
  });

  it('checks behavior rules and status counts', () => {
    expect(
      fields(
        hpa(
          { metrics: [cpu(50)], behavior: { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Most', policies: [] } } },
          { currentReplicas: -1, desiredReplicas: 0 },
        ),
      ),
    ).toEqual([
      'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
      'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Most": supported values: "Disabled", "Max", "Min"',
      'spec.behavior.scaleUp.policies: Required value: must specify at least one Percent or Pods policy',
      'status.currentReplicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('runs after the schema: ill-typed objects get only the schema’s findings', async () => {
    const type = builtinTypes.find((t) => t.kind === 'HorizontalPodAutoscaler')!;
    const issues = await type.validate!(hpa({ maxReplicas: '3', minReplicas: 0 }));
    expect(issues).toEqual([{ field: 'spec.maxReplicas', message: 'Invalid value: must be of type integer' }]);
  });
});

describe('HorizontalPodAutoscaler TARGETS cell', () => {
  it('prints current/target per metric as kubectl shows it, two at most', () => {
    expect(hpaTargets({ spec: {} })).toBe('<none>');
    expect(hpaTargets(hpa({ metrics: [cpu(50)] }))).toBe('cpu: <unknown>/50%');
    expect(
      hpaTargets(
        hpa(
          {
            metrics: [
              cpu(50),
              { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
              { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
            ],
          },
          { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] },
        ),
      ),
    ).toBe('cpu: 12%/50%, <unknown>/10 + 1 more...');
  });
});
