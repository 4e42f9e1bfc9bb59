import type { UserInfo } from '../auth/authn.js';
import type { StatusReason } from '../http/status.js';
import type { KubeObject, ResourceType } from '../registry/types.js';
import type { LogicalCluster } from '../storage/clusters.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** What a plugin sees about one request. `object` is mutable for mutating plugins only. */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  resource: ResourceType;
  subresource?: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  object: KubeObject | null;
  oldObject: KubeObject | null;
  logicalCluster: LogicalCluster;
  /** Ancestor logical clusters, nearest first (team → org → root). */
  ancestors: LogicalCluster[];
  user: UserInfo;
  dryRun: boolean;
}

/** Read-only view of the logical cluster being admitted into. */
export interface AdmissionReader {
  get(group: string, plural: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, plural: string, namespace?: string): Promise<KubeObject[]>;
  count(group?: string, plural?: string, namespace?: string): Promise<number>;
}

export interface AdmissionContext {
  reader: AdmissionReader;
  /** Adds a `Warning:` response header (kubectl prints it). */
  warn(message: string): void;
}

export interface MutatingAdmissionPlugin {
  readonly name: string;
  admit(attributes: AdmissionAttributes, context: AdmissionContext): Promise<void> | void;
}

export interface ValidatingAdmissionPlugin {
  readonly name: string;
  validate(attributes: AdmissionAttributes, context: AdmissionContext): Promise<void> | void;
}

/** A plugin's "no": becomes the response Status (403 Forbidden unless said otherwise). */
export class AdmissionDeniedError extends Error {
  override name = 'AdmissionDeniedError';
  constructor(
    message: string,
    readonly code = 403,
    readonly reason: StatusReason = 'Forbidden',
  ) {
    super(message);
  }
}
