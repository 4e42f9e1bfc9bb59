import { describe, expect, it } from 'vitest';
import { defaultIngressClass, ingressClassParameters, validateIngressClass } from './ingressclass.js';
import type { KubeObject } from './types.js';

const ic = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec });
const issues = (obj: KubeObject) => validateIngressClass(obj).map((i) => `${i.field}: ${i.message}`);

describe('IngressClass defaults, validation and PARAMETERS cell', () => {
  it('defaults a parameters reference to cluster scope', () => {
    const obj = ic({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } });
    defaultIngressClass(obj);
    expect((obj.spec as { parameters: { scope: string } }).parameters.scope).toBe('Cluster');
    expect(issues(obj)).toEqual([]);
    expect(ingressClassParameters(obj)).toBe('IngressParameters.k8s.example.com/external-lb');
    expect(ingressClassParameters(ic({ controller: 'k8s.io/ingress-nginx' }))).toBe('<none>');
  });

  it('requires a domain-prefixed controller', () => {
    expect(issues(ic({}))).toEqual(['spec.controller: Required value']);
    expect(issues(ic({ controller: 'nginx' }))).toEqual(['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
    expect(issues(ic({ controller: 'Acme.io/x' }))[0]).toMatch(/^spec\.controller: Invalid value: "Acme.io": a lowercase RFC 1123 subdomain/);
  });

  it('ties the parameters namespace to its scope', () => {
    expect(issues(ic({ controller: 'acme.io/lb', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } }))).toEqual([
      "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]);
    expect(issues(ic({ controller: 'acme.io/lb', parameters: { kind: 'P', name: 'p', scope: 'Cluster', namespace: 'a' } }))).toEqual([
      "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'",
    ]);
    expect(issues(ic({ controller: 'acme.io/lb', parameters: { kind: 'P', name: 'p', scope: 'World' } }))).toEqual([
      'spec.parameters.scope: Unsupported value: "World": supported values: "Cluster", "Namespace"',
    ]);
  });
});
