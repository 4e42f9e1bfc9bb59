import { GUARDRAIL_LABEL } from '@atrium/kube';
import { describe, expect, it } from 'vitest';
import { SYSTEM_MASTERS, type UserInfo } from '../auth/authn.js';
import type { KubeObject, ResourceType } from '../registry/types.js';
import { guardrails } from './guardrails.js';
import { type AdmissionAttributes, type AdmissionContext, AdmissionDeniedError, type AdmissionOperation } from './types.js';

const tenant: UserInfo = { name: 'dev@acme.test', groups: ['atrium:team:t1', 'system:authenticated'], wildcard: false, clusters: ['root:acme:payments:dev'] };
const system: UserInfo = { name: 'system:admin', groups: [SYSTEM_MASTERS, 'system:authenticated'], wildcard: true, clusters: null };

const limitRanges = { group: '', version: 'v1', kind: 'LimitRange', plural: 'limitranges', namespaced: true } as ResourceType;
const bindings = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
} as ResourceType;
const configMaps = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true } as ResourceType;

function limitRange(name: string, labels: Record<string, string> = {}, cpu = '100m'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name, namespace: 'default', labels },
    spec: { limits: [{ type: 'Container', defaultRequest: { cpu } }] },
  };
}
const guarded = (name = 'atrium-defaults', cpu = '100m') =>
  limitRange(name, { 'app.kubernetes.io/managed-by': 'atrium-worker', [GUARDRAIL_LABEL]: 'default-requests' }, cpu);

function attributes(
  o: { operation: AdmissionOperation; object?: KubeObject | null; oldObject?: KubeObject | null } & Partial<AdmissionAttributes>,
): AdmissionAttributes {
  const object = o.object ?? null;
  const name = (object ?? o.oldObject)?.metadata?.name ?? 'x';
  return {
    resource: limitRanges,
    namespace: 'default',
    name,
    logicalCluster: { name: 'abc123', path: 'root:acme:payments:dev', parent: 'def456', uid: 'u', owner: null, createdAt: '' },
    ancestors: [],
    user: tenant,
    dryRun: false,
    ...o,
    object,
    oldObject: o.oldObject ?? null,
  };
}

const context: AdmissionContext = {
  reader: {
    get: () => Promise.reject(new Error('guardrails needs no reads')),
    list: () => Promise.reject(new Error('guardrails needs no reads')),
    count: () => Promise.reject(new Error('guardrails needs no reads')),
  },
  warn: () => {},
  transactional: () => {},
};

/** The plugin's answer: undefined when admitted, else the refusal. */
async function verdict(a: AdmissionAttributes): Promise<AdmissionDeniedError | undefined> {
  try {
    await guardrails.validate(a, context);
    return undefined;
  } catch (e) {
    if (e instanceof AdmissionDeniedError) return e;
    throw e;
  }
}

const GUARDED_MESSAGE =
  'limitranges "atrium-defaults" is forbidden: it is a guardrail of org acme (policy "default-requests"), managed by the platform; ' +
  'tenants cannot change or delete it. Add a LimitRange or ResourceQuota of your own instead.';

describe('Guardrails admission', () => {
  it('refuses a tenant any update of a guardrail object, whatever the subresource or dry run, naming object, org and policy', async () => {
    const old = guarded();
    for (const extra of [{}, { subresource: 'status' }, { subresource: 'scale' }, { dryRun: true }]) {
      const denied = await verdict(attributes({ operation: 'UPDATE', oldObject: old, object: guarded('atrium-defaults', '1'), ...extra }));
      expect(denied?.code).toBe(403);
      expect(denied?.reason).toBe('Forbidden');
      expect(denied?.message).toBe(GUARDED_MESSAGE);
    }
    // An update that changes nothing, or only drops the label, is a change of the guardrail too.
    expect((await verdict(attributes({ operation: 'UPDATE', oldObject: old, object: structuredClone(old) })))?.message).toBe(GUARDED_MESSAGE);
    expect((await verdict(attributes({ operation: 'UPDATE', oldObject: old, object: limitRange('atrium-defaults') })))?.message).toBe(GUARDED_MESSAGE);
  });

  it('refuses a tenant the deletion of a guardrail object, dry run or not', async () => {
    for (const dryRun of [false, true]) {
      const denied = await verdict(attributes({ operation: 'DELETE', oldObject: guarded(), dryRun }));
      expect(denied?.message).toBe(GUARDED_MESSAGE);
    }
  });

  it('names the members binding and suggests a binding of the tenant’s own', async () => {
    const binding: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'atrium:members', labels: { [GUARDRAIL_LABEL]: 'member-access' } },
    };
    const denied = await verdict(attributes({ operation: 'DELETE', resource: bindings, namespace: '', oldObject: binding }));
    expect(denied?.message).toBe(
      'clusterrolebindings "atrium:members" is forbidden: it is a guardrail of org acme (policy "member-access"), managed by the platform; ' +
        'tenants cannot change or delete it. Create a RoleBinding or ClusterRoleBinding of your own instead.',
    );
  });

  it('counts the label’s presence, whatever its value, and names the platform outside an org', async () => {
    const old = limitRange('odd', { [GUARDRAIL_LABEL]: '' });
    const denied = await verdict(
      attributes({ operation: 'DELETE', oldObject: old, logicalCluster: { name: 'root', path: 'root', parent: null, uid: 'r', owner: null, createdAt: '' } }),
    );
    expect(denied?.message).toBe(
      'limitranges "odd" is forbidden: it is a guardrail of the platform (policy ""), managed by the platform; tenants cannot change or delete it. ' +
        'Add a LimitRange or ResourceQuota of your own instead.',
    );
  });

  it('reserves the label: a tenant cannot create an object with it or add it in an update', async () => {
    const reserved = 'limitranges "mine" is forbidden: the label atrium.io/guardrail is reserved for the platform; tenants cannot set it.';
    expect((await verdict(attributes({ operation: 'CREATE', object: guarded('mine') })))?.message).toBe(reserved);
    expect((await verdict(attributes({ operation: 'CREATE', object: guarded('mine'), dryRun: true })))?.message).toBe(reserved);
    expect((await verdict(attributes({ operation: 'UPDATE', oldObject: limitRange('mine'), object: guarded('mine') })))?.message).toBe(reserved);
  });

  it('leaves tenants’ objects without the label alone, LimitRanges and ResourceQuotas included', async () => {
    const mine = limitRange('mine', { team: 'payments' });
    expect(await verdict(attributes({ operation: 'CREATE', object: mine }))).toBeUndefined();
    expect(await verdict(attributes({ operation: 'UPDATE', oldObject: mine, object: limitRange('mine', { team: 'payments' }, '1') }))).toBeUndefined();
    expect(await verdict(attributes({ operation: 'DELETE', oldObject: mine }))).toBeUndefined();
    const quotas = { group: '', version: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true } as ResourceType;
    const quota: KubeObject = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec: { hard: { pods: '5' } } };
    for (const operation of ['CREATE', 'UPDATE', 'DELETE'] as const) {
      expect(await verdict(attributes({ operation, resource: quotas, object: operation === 'DELETE' ? null : quota, oldObject: quota }))).toBeUndefined();
    }
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } };
    expect(await verdict(attributes({ operation: 'UPDATE', resource: configMaps, oldObject: cm, object: cm }))).toBeUndefined();
  });

  it('lets a system identity create, update, relabel and delete guardrail objects', async () => {
    const old = guarded();
    expect(await verdict(attributes({ user: system, operation: 'CREATE', object: old }))).toBeUndefined();
    expect(await verdict(attributes({ user: system, operation: 'UPDATE', oldObject: old, object: guarded('atrium-defaults', '250m') }))).toBeUndefined();
    expect(await verdict(attributes({ user: system, operation: 'UPDATE', oldObject: old, object: limitRange('atrium-defaults') }))).toBeUndefined();
    expect(await verdict(attributes({ user: system, operation: 'UPDATE', oldObject: limitRange('mine'), object: guarded('mine') }))).toBeUndefined();
    expect(await verdict(attributes({ user: system, operation: 'DELETE', oldObject: old }))).toBeUndefined();
  });

  it('does not take a tenant group merely named like a system one for a system identity', async () => {
    const lookalike: UserInfo = { ...tenant, name: 'system:admin', groups: ['system:master', 'system:authenticated'] };
    expect((await verdict(attributes({ user: lookalike, operation: 'DELETE', oldObject: guarded() })))?.message).toBe(GUARDED_MESSAGE);
  });
});
