import { columnsFor } from '../registry/builtin.js';
import type { KubeObject, ResourceType } from '../registry/types.js';

/** Whether the client asked for `meta.k8s.io/v1` Table output (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0]!.replaceAll(' ', '');
  return first.includes('as=Table') && first.includes('g=meta.k8s.io') && (first.includes('v=v1;') || first.endsWith('v=v1') || first.includes('v=v1,'));
}

export function toTable(t: ResourceType, items: KubeObject[], listMeta: Record<string, unknown>, includeObject: string | null) {
  const columns = t.columns ?? columnsFor(t.kind);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority })),
    rows: items.map((o) => ({
      cells: columns.map((c) => c.cell(o, now) ?? '<none>'),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
