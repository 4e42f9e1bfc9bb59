import type { MergeType } from '../ssa/schema.js';

/** A Kubernetes object as stored and served: plain JSON. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
};

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format?: string;
  description: string;
  priority: number;
  /** Computes the cell for one object; `undefined` prints as `<none>`. */
  cell(obj: KubeObject, now: number): string | number | boolean | undefined;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/**
 * One served resource (a group/version/plural). Built-in types are shared by
 * every logical cluster; types from CRDs and API bindings are registered per
 * logical cluster at run time (see ResourceRegistry).
 */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Has a `/status` subresource: the main endpoint ignores status, `/status` ignores everything else. */
  status: boolean;
  scale?: ScaleSubresource;
  /** Served but never stored (e.g. SelfSubjectAccessReview). */
  virtual?: boolean;
  /**
   * Structural normalization before validation, on every write (CRDs: pruning of unknown
   * fields and schema defaults, as kube-apiserver does for structural schemas; built-ins:
   * Kubernetes' defaulting, e.g. an HPA's minReplicas). Mutates.
   */
  normalize?(obj: KubeObject): void;
  /** Schema validation; returns `field: message` issues. Missing means "any object". */
  validate?(obj: KubeObject): Promise<{ field: string; message: string }[]>;
  columns?: TableColumn[];
  /** How server-side apply merges and tracks this kind; built-in kinds and untyped kinds are found by default (ssa/merge-types.ts). */
  mergeType?: MergeType;
  /** The OpenAPI v3 schema served for the kind (a CRD version's openAPIV3Schema); built-in kinds use schema/kube-types.json. */
  openApiSchema?: Record<string, unknown>;
  /**
   * Storage resource override: resources bound from an APIExport are stored
   * apart per export identity (`<plural>.<group>@<identity>`), so two exports
   * of the same group/resource never share objects.
   */
  storage?: string;
}

/** The storage key of a resource: versions of one group/resource share storage. */
export function storageResource(t: Pick<ResourceType, 'group' | 'plural'> & { storage?: string }): string {
  if (t.storage) return t.storage;
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
