import type pg from 'pg';
import type { UserInfo } from '../auth/authn.js';
import type { StatusCause, StatusReason } from '../http/status.js';
import type { KubeObject, ResourceType } from '../registry/types.js';
import type { LogicalCluster } from '../storage/clusters.js';
import type { ObjectKey, PutResult } from '../storage/store.js';

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
  /**
   * Makes the object write transactional: the step runs in the same Postgres
   * transaction as the write (so a check and its reservation cannot race with
   * another writer). Writes without a step stay a single autocommit statement.
   */
  transactional(step: TransactionalStep): void;
  /**
   * Hands a per-logical-cluster object cap to the write itself: `apiserver.put` refuses a
   * create over it under the write lock (no read of its own, and no race past the cap).
   * Absent where the caller cannot do that; a plugin then checks by reading.
   */
  limitObjects?(cap: ObjectCap): void;
}

/** A cap on stored objects per logical cluster, enforced by the create's own write. */
export interface ObjectCap {
  readonly maxObjects: number;
  /** The refusal when the cluster already holds `objects` (≥ maxObjects). */
  denied(objects: number): AdmissionDeniedError;
  /** After a successful create: the cluster now holds `objects`. */
  admitted?(objects: number, warn: (message: string) => void): void;
}

/**
 * Wraps one object write inside its transaction. `write` performs the store
 * write on `client`; the step may lock and check before calling it and record
 * after it succeeded. Throwing (e.g. AdmissionDeniedError) rolls everything
 * back. Rows locked here must come before the store's global write lock.
 */
export interface TransactionalStep {
  readonly name: string;
  /**
   * The step's first statement on `client` begins the transaction itself, sent in the same
   * message as its own first query (a round trip less on the write path). Only the first
   * step's flag counts (a BEGIN inside an open transaction is a harmless warning); a step that
   * sets it must send that statement before anything can fail.
   */
  readonly opensTransaction?: boolean;
  run(client: pg.ClientBase, key: ObjectKey, write: () => Promise<PutResult>): Promise<PutResult>;
  /** Called after a failure of this step rolled the transaction back (best effort, outside it). */
  afterRollback?(error: unknown): Promise<void>;
}

/**
 * Writes the server makes on its own, outside admission (namespace cascade,
 * garbage collection, orphaning, CRD deletion), still change what is stored
 * and what it costs; the hook returns the step such a write of `key` needs
 * (`next` null = removal), or undefined when a plain write will do. These
 * writes follow an admitted request and are never refused.
 */
export interface SystemWriteHook {
  stepForSystemWrite(key: ObjectKey, next: KubeObject | null): Promise<TransactionalStep | undefined>;
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
    /** Field causes of an Invalid refusal (kubectl prints them). */
    readonly causes?: StatusCause[],
  ) {
    super(message);
  }
}
