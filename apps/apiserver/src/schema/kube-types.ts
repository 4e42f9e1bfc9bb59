import { readFileSync } from 'node:fs';

/**
 * The type schema of the built-in Kubernetes kinds served here, generated from the
 * generated.proto files of k8s.io/api and k8s.io/apimachinery (Go doc comments and
 * the `+listType`, `+listMapKey`, `+patchStrategy`, `+patchMergeKey`, `+mapType`,
 * `+structType`, `+default` tags) by `scripts/gen-kube-types.ts`
 * (`npm run gen:kube-types -w @atrium/apiserver`). Used for server-side apply
 * (list types and map keys) and for OpenAPI v3 with descriptions.
 */

export type ScalarType = 'string' | 'integer' | 'number' | 'boolean';

export type TypeSpec =
  /** format: 'int32' | 'int64' | 'double' | 'byte' | 'date-time' | 'int-or-string' | 'quantity' | 'duration' */
  | { scalar: ScalarType; format?: string }
  /** A key of `KubeTypes.types`. */
  | { ref: string }
  /** `keys` only (and always, non-empty) for listType 'map'. */
  | { list: TypeSpec; listType: 'atomic' | 'set' | 'map'; keys?: string[] }
  /** A Go map (proto `map<string, X>`). */
  | { map: TypeSpec; mapType: 'atomic' | 'granular' }
  /** Arbitrary JSON (RawExtension, FieldsV1). */
  | { untyped: true };

export type FieldSpec = TypeSpec & {
  description?: string;
  default?: unknown;
  /** `+patchStrategy` ("merge", "retainKeys", "merge,retainKeys"): how strategic merge patch treats the field. */
  patchStrategy?: string;
  /** `+patchMergeKey`: the key strategic merge patch merges list items by. */
  patchMergeKey?: string;
};

export interface StructDef {
  description?: string;
  /** JSON field name → spec, in proto order; the fields of inlined embedded structs are merged in. */
  fields: Record<string, FieldSpec>;
  structType?: 'atomic';
  required?: string[];
}

export type TypeDef = StructDef | (TypeSpec & { description?: string });

export interface KubeTypesProvenance {
  generatedBy: string;
  date: string;
  sources: Record<string, { mirror: string; commit: string }>;
  /** The generated.proto files read (import paths). */
  files: string[];
}

export interface KubeTypes {
  _provenance: KubeTypesProvenance;
  /** `${apiVersion}/${kind}` ("v1/Pod", "apps/v1/Deployment", "networking.k8s.io/v1/Ingress") → a key of `types`. */
  kinds: Record<string, string>;
  /** OpenAPI definition name ("io.k8s.api.apps.v1.Deployment") → definition. */
  types: Record<string, TypeDef>;
}

export function isStructDef(def: TypeDef): def is StructDef {
  return 'fields' in def;
}

let cached: KubeTypes | undefined;

/** The generated schema (`kube-types.json`), read once. */
export function loadKubeTypes(): KubeTypes {
  cached ??= JSON.parse(readFileSync(new URL('./kube-types.json', import.meta.url), 'utf8')) as KubeTypes;
  return cached;
}
