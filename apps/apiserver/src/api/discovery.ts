import type { ClusterResources } from '../registry/registry.js';
import { apiVersionOf, type ResourceType } from '../registry/types.js';

/** The legacy APIResourceList for one group/version, including subresources. */
export function apiResourceList(resources: ClusterResources, group: string, version: string) {
  const types = resources.inGroupVersion(group, version);
  const out: Record<string, unknown>[] = [];
  for (const t of types) {
    out.push({
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    });
    if (t.status) out.push({ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] });
    if (t.scale) {
      out.push({
        name: `${t.plural}/scale`,
        singularName: '',
        namespaced: t.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources: out };
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(resources: ClusterResources) {
  const groups = [...resources.groups()].filter(([g]) => g !== '').map(([g, versions]) => apiGroup(g, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupDocument(resources: ClusterResources, group: string) {
  const versions = resources.groups().get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) } : undefined;
}

function discoveryResource(t: ResourceType) {
  const subresources: Record<string, unknown>[] = [];
  if (t.status)
    subresources.push({ subresource: 'status', responseKind: { group: t.group, version: t.version, kind: t.kind }, verbs: ['get', 'patch', 'update'] });
  if (t.scale)
    subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  return {
    resource: t.plural,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
    ...(subresources.length ? { subresources } : {}),
  };
}

export const AGGREGATED_DISCOVERY_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the client asked for aggregated discovery (kubectl ≥ 1.30 does; one request instead of one per group). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io;\s*v=v2;\s*as=APIGroupDiscoveryList/.test(accept.replaceAll(' ', ''));
}

/** Aggregated discovery (apidiscovery.k8s.io/v2) for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(resources: ClusterResources, core: boolean) {
  const items = [...resources.groups()]
    .filter(([g]) => (core ? g === '' : g !== ''))
    .map(([group, versions]) => ({
      metadata: core ? {} : { name: group },
      versions: versions.map((version) => ({
        version,
        resources: resources.inGroupVersion(group, version).map(discoveryResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
