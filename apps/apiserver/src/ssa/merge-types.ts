/**
 * Merge schemas for what this server serves: built-in kinds from the
 * generated Kubernetes type schema, custom resources from their CRD's
 * structural schema (with `x-kubernetes-list-type`, `-list-map-keys` and
 * `-map-type`, as kube-apiserver reads them), anything else untyped.
 */
import type { Schema } from '../crd/schema.js';
import { apiVersionOf, type ResourceType } from '../registry/types.js';
import { type KubeTypes, loadKubeTypes, type TypeDef, type TypeSpec } from '../schema/kube-types.js';
import { lazy, type MergeType, SCALAR, UNTYPED } from './schema.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

class KubeMergeTypes {
  private readonly named = new Map<string, MergeType>();
  constructor(private readonly types: KubeTypes) {}

  byName(name: string): MergeType {
    let t = this.named.get(name);
    if (!t) {
      const def = this.types.types[name];
      t = def ? lazy(() => this.fromDef(def)) : UNTYPED;
      this.named.set(name, t);
    }
    return t;
  }

  forKind(apiVersion: string, kind: string): MergeType | undefined {
    const name = this.types.kinds[`${apiVersion}/${kind}`];
    return name ? this.byName(name) : undefined;
  }

  private fromDef(def: TypeDef): MergeType {
    if (!('fields' in def)) return this.fromSpec(def);
    const fields = new Map<string, MergeType>();
    const defaults = new Map<string, unknown>();
    for (const [name, field] of Object.entries(def.fields)) {
      fields.set(name, this.fromSpec(field));
      if (field.default !== undefined) defaults.set(name, field.default);
    }
    return { kind: 'map', fields, ...(def.structType === 'atomic' ? { atomic: true } : {}), ...(defaults.size > 0 ? { defaults } : {}) };
  }

  private fromSpec(spec: TypeSpec): MergeType {
    if ('scalar' in spec) return SCALAR;
    if ('ref' in spec) return this.byName(spec.ref);
    if ('list' in spec) return { kind: 'list', elements: this.fromSpec(spec.list), listType: spec.listType, ...(spec.keys ? { keys: spec.keys } : {}) };
    if ('map' in spec) return { kind: 'map', elements: this.fromSpec(spec.map), ...(spec.mapType === 'atomic' ? { atomic: true } : {}) };
    return UNTYPED;
  }
}

let kube: KubeMergeTypes | undefined;
const kubeTypes = () => {
  kube ??= new KubeMergeTypes(loadKubeTypes());
  return kube;
};

/** The merge schema of a built-in kind ("apps/v1", "Deployment"), or undefined when it is not a Kubernetes kind. */
export function builtinMergeType(apiVersion: string, kind: string): MergeType | undefined {
  return kubeTypes().forKind(apiVersion, kind);
}

/** Kinds that are neither Kubernetes' nor from a CRD (tenancy, APIs): typed metadata, everything else deduced. */
let generic: MergeType | undefined;

/** The merge schema of whatever a resource serves. */
export function mergeTypeOf(t: ResourceType): MergeType {
  if (t.mergeType) return t.mergeType;
  const builtin = builtinMergeType(apiVersionOf(t), t.kind);
  if (builtin) return builtin;
  generic ??= {
    kind: 'map',
    fields: new Map([
      ['apiVersion', SCALAR],
      ['kind', SCALAR],
      ['metadata', kubeTypes().byName(OBJECT_META)],
    ]),
    elements: UNTYPED,
  };
  return generic;
}

/** The merge schema of a custom resource from its version's openAPIV3Schema. */
export function crdMergeType(schema: Schema | undefined): MergeType {
  const root = fromSchema(schema);
  const r = root.kind === 'map' ? root : { kind: 'map' as const, elements: UNTYPED };
  const fields = new Map(r.fields ?? []);
  fields.set('apiVersion', SCALAR);
  fields.set('kind', SCALAR);
  fields.set('metadata', kubeTypes().byName(OBJECT_META));
  return { ...r, fields };
}

function fromSchema(s: Schema | undefined): MergeType {
  if (!s) return UNTYPED;
  if (s['x-kubernetes-int-or-string']) return SCALAR;
  if (s.type === 'array') {
    const listType = s['x-kubernetes-list-type'];
    const keys = s['x-kubernetes-list-map-keys'];
    return {
      kind: 'list',
      elements: fromSchema(s.items),
      listType: listType === 'set' || listType === 'map' ? listType : 'atomic',
      ...(listType === 'map' && Array.isArray(keys) ? { keys: keys as string[] } : {}),
    };
  }
  const isObject = s.type === 'object' || s.properties !== undefined || s.additionalProperties !== undefined;
  if (!isObject) return s['x-kubernetes-preserve-unknown-fields'] ? UNTYPED : s.type ? SCALAR : UNTYPED;
  const fields = new Map<string, MergeType>();
  const defaults = new Map<string, unknown>();
  for (const [name, sub] of Object.entries(s.properties ?? {})) {
    fields.set(name, fromSchema(sub));
    if (sub.default !== undefined) defaults.set(name, sub.default);
  }
  if (s['x-kubernetes-embedded-resource']) {
    fields.set('apiVersion', SCALAR);
    fields.set('kind', SCALAR);
    fields.set('metadata', kubeTypes().byName(OBJECT_META));
  }
  const additional = s.additionalProperties;
  const elements = additional === true || s['x-kubernetes-preserve-unknown-fields'] ? UNTYPED : additional ? fromSchema(additional) : undefined;
  return {
    kind: 'map',
    ...(fields.size > 0 ? { fields } : {}),
    ...(elements ? { elements } : {}),
    ...(s['x-kubernetes-map-type'] === 'atomic' ? { atomic: true } : {}),
    ...(defaults.size > 0 ? { defaults } : {}),
  };
}
