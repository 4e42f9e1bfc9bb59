/**
 * LimitRange defaulting, as kube-apiserver's LimitRanger does it for a Pod's containers:
 * a container without a limit gets the range's `default`, and without a request its
 * `defaultRequest` (else the limit, else `default`). Admission applies it to Pods and to
 * every workload's pod template, so what is stored carries the requests it runs with.
 *
 * It can raise a price (the stored requests are priced), never lower one below the price
 * book's floor: pricing raises every container to the floor whatever was filled in here.
 */

type ResourceList = Record<string, unknown>;
interface Resources {
  limits?: ResourceList;
  requests?: ResourceList;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `Container` items of the namespace's LimitRanges (stored objects, in name order). */
function containerItems(limitRanges: readonly unknown[]): { default: ResourceList; defaultRequest?: ResourceList }[] {
  const items: { default: ResourceList; defaultRequest?: ResourceList }[] = [];
  for (const range of limitRanges) {
    const limits = isRecord(range) && isRecord(range.spec) && Array.isArray(range.spec.limits) ? range.spec.limits : [];
    for (const item of limits) {
      if (!isRecord(item) || item.type !== 'Container') continue;
      items.push({ default: isRecord(item.default) ? item.default : {}, ...(isRecord(item.defaultRequest) ? { defaultRequest: item.defaultRequest } : {}) });
    }
  }
  return items;
}

/** Fills the LimitRanges' defaults into every app and init container of `podSpec`, in place. */
export function applyLimitRangeDefaults(podSpec: unknown, limitRanges: readonly unknown[]): void {
  if (!isRecord(podSpec)) return;
  const items = containerItems(limitRanges);
  if (items.length === 0) return;
  const containers = [
    ...(Array.isArray(podSpec.containers) ? podSpec.containers : []),
    ...(Array.isArray(podSpec.initContainers) ? podSpec.initContainers : []),
  ];
  for (const item of items) {
    for (const container of containers) {
      if (!isRecord(container)) continue;
      if (!isRecord(container.resources)) container.resources = {};
      const resources = container.resources as Resources;
      for (const [resource, value] of Object.entries(item.default)) {
        resources.limits ??= {};
        resources.limits[resource] ??= value;
      }
      for (const [resource, value] of Object.entries(item.defaultRequest ?? item.default)) {
        resources.requests ??= {};
        // Without a defaultRequest, Kubernetes copies the container's own limit before the range's default.
        resources.requests[resource] ??= !item.defaultRequest && resources.limits?.[resource] !== undefined ? resources.limits[resource] : value;
      }
    }
  }
}
