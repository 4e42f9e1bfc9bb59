import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '@atrium/config';
import type { AdmissionChain } from '../admission/chain.js';
import type { AdmissionLookupCache } from '../admission/lookup-cache.js';
import {
  type AdmissionAttributes,
  type AdmissionContext,
  AdmissionDeniedError,
  type AdmissionOperation,
  type AdmissionReader,
  type ObjectCap,
  type SystemWriteHook,
  type TransactionalStep,
} from '../admission/types.js';
import type { UserInfo } from '../auth/authn.js';
import type { RbacAuthorizer } from '../auth/rbac.js';
import { ApiError, errors, type StatusCause, successStatus } from '../http/status.js';
import type { ClusterResources } from '../registry/registry.js';
import { apiVersionOf, type KubeObject, type ObjectMeta, type ResourceType, storageResource } from '../registry/types.js';
import { managerOf, type OwnershipTarget, trackApply, trackUpdate } from '../ssa/field-manager.js';
import { mergeTypeOf } from '../ssa/merge-types.js';
import type { ClusterDirectory, LogicalCluster } from '../storage/clusters.js';
import { type ListResult, type ObjectKey, type PutResult, RevisionTooOldError, type Store, type StoredRow, storageKey } from '../storage/store.js';
import { applyCreateDefaults, generateNameSuffix, isObjectRecord, nowTimestamp, specChanged, validateMeta } from './objects.js';
import { applyPatch, type PatchType } from './patch.js';
import { type FieldRequirement, type LabelRequirement, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

export const CLUSTER_ANNOTATION = 'kcp.io/cluster';

/** One resource request after routing and authentication. */
export interface ResourceRequest {
  /** `null` for wildcard (`/clusters/*`) requests. */
  cluster: LogicalCluster | null;
  user: UserInfo;
  resources: ClusterResources;
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  warnings: string[];
  /** Names the field manager of a write that has no `fieldManager` parameter. */
  userAgent?: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

/** Decodes a stored row into the object clients see. */
export function decodeRow(row: StoredRow, type?: ResourceType): KubeObject {
  const obj = JSON.parse(row.value) as KubeObject;
  obj.metadata ??= {};
  const meta = obj.metadata;
  meta.resourceVersion = String(row.rv);
  meta.annotations = { ...meta.annotations, [CLUSTER_ANNOTATION]: row.cluster };
  if (type) {
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
  }
  return obj;
}

/** What gets stored: no revision (the column is the truth), no cluster annotation (the key says it). */
function encode(obj: KubeObject): string {
  const meta = obj.metadata ?? {};
  const { resourceVersion: _rv, selfLink: _sl, ...restMeta } = meta;
  let annotations = restMeta.annotations;
  if (annotations && CLUSTER_ANNOTATION in annotations) {
    const { [CLUSTER_ANNOTATION]: _c, ...others } = annotations;
    annotations = others;
  }
  const cleanMeta: ObjectMeta = { ...restMeta };
  if (annotations && Object.keys(annotations).length > 0) cleanMeta.annotations = annotations;
  else delete cleanMeta.annotations;
  return JSON.stringify({ ...obj, metadata: cleanMeta });
}

interface ContinueToken {
  rv: number;
  c: string;
  ns: string;
  n: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(raw: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.rv === 'number' && typeof t.c === 'string' && typeof t.ns === 'string' && typeof t.n === 'string') return t;
  } catch {
    // Fall through to the 400 below.
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

function parseIntParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw errors.badRequest(`invalid ${name} "${raw}": must be a non-negative integer`);
  return Number(raw);
}

export interface RestOptions {
  /** Attempts of read-modify-write for unconditional updates and patches before answering 409. */
  maxRetries?: number;
  /** Steps that the server's own writes need (the cost ledger releases or re-records prices). */
  systemWrites?: SystemWriteHook;
  /** Serves admission's Namespace / ResourceQuota / LimitRange lookups without a read each (see lookup-cache.ts). */
  lookups?: AdmissionLookupCache;
  /** Empties and removes terminating namespaces off the request path (controllers/namespace-controller.ts); inline without it. */
  namespaces?: { schedule(cluster: string, namespace: string): void; contentRemoved(cluster: string, namespace: string): void };
}

/**
 * Kubernetes REST semantics over the store: the verbs, metadata rules,
 * optimistic concurrency, deletion (finalizers, propagation, namespace
 * cascade) and admission. Handlers in server.ts only route and authenticate.
 */
export class RestHandler {
  constructor(
    private readonly store: Store,
    private readonly clusters: ClusterDirectory,
    private readonly admission: AdmissionChain,
    private readonly rbac: RbacAuthorizer,
    private readonly logger: Logger,
    private readonly options: RestOptions = {},
  ) {}

  private key(r: ResourceRequest, name: string, namespace = r.namespace ?? ''): ObjectKey {
    if (!r.cluster) throw errors.methodNotAllowed('writes and gets need a logical cluster, not a wildcard');
    return { cluster: r.cluster.name, resource: storageResource(r.type), namespace: r.type.namespaced ? namespace : '', name };
  }

  private reader(cluster: LogicalCluster): AdmissionReader {
    const lookups = this.options.lookups;
    return {
      get: async (group, plural, namespace, name) => {
        const row =
          lookups && group === '' && plural === 'namespaces'
            ? await lookups.namespace(cluster.name, name)
            : await this.store.get(storageKey(cluster.name, group, plural, namespace, name));
        return row ? decodeRow(row) : undefined;
      },
      list: async (group, plural, namespace) => {
        if (lookups && group === '' && (plural === 'resourcequotas' || plural === 'limitranges') && namespace !== undefined) {
          return (await lookups.list(cluster.name, plural, namespace)).map((row) => decodeRow(row));
        }
        const { rows } = await this.store.list({ cluster: cluster.name, resource: storageResource({ group, plural }), namespace, limit: 10_000 });
        return rows.map((row) => decodeRow(row));
      },
      count: (group, plural, namespace) =>
        this.store.count(cluster.name, group === undefined || plural === undefined ? undefined : storageResource({ group, plural }), namespace),
    };
  }

  /** Runs the chain; returns the transactional steps plugins attached to this write, and the object cap it must respect. */
  private async admit(
    r: ResourceRequest,
    operation: AdmissionOperation,
    object: KubeObject | null,
    oldObject: KubeObject | null,
    name: string,
  ): Promise<{ steps: TransactionalStep[]; cap?: ObjectCap }> {
    const cluster = r.cluster!;
    const attributes: AdmissionAttributes = {
      operation,
      resource: r.type,
      ...(r.subresource ? { subresource: r.subresource } : {}),
      namespace: r.type.namespaced ? (r.namespace ?? '') : '',
      name,
      object,
      oldObject,
      logicalCluster: cluster,
      ancestors: await this.clusters.ancestors(cluster),
      user: r.user,
      dryRun: isDryRun(r.query),
    };
    const steps: TransactionalStep[] = [];
    let cap: ObjectCap | undefined;
    const context: AdmissionContext = {
      reader: this.reader(cluster),
      warn: (m) => r.warnings.push(m),
      transactional: (step) => steps.push(step),
      limitObjects: (c) => {
        if (!cap || c.maxObjects < cap.maxObjects) cap = c;
      },
    };
    try {
      await this.admission.admit(attributes, context);
    } catch (e) {
      if (e instanceof AdmissionDeniedError)
        throw new ApiError(e.code, e.reason, e.message, { name, group: r.type.group, kind: r.type.plural, ...(e.causes ? { causes: e.causes } : {}) });
      throw e;
    }
    return cap ? { steps, cap } : { steps };
  }

  /**
   * One object write: a single autocommit statement, or, when admission
   * attached steps, one transaction in which the steps wrap the write (steps
   * lock their rows before `apiserver.put` takes the global write lock).
   */
  private async write(
    key: ObjectKey,
    expectRv: number | null,
    value: string,
    remove: boolean,
    steps: readonly TransactionalStep[],
    cap?: ObjectCap,
  ): Promise<PutResult> {
    const putOptions = cap ? { maxObjects: cap.maxObjects } : {};
    if (steps.length === 0) return this.store.put(key, expectRv, value, remove, this.store.pool, putOptions);
    let failure: { error: unknown } | undefined;
    const client = await this.store.pool.connect();
    let broken = false;
    try {
      if (!steps[0]?.opensTransaction) await client.query('begin');
      const run = (i: number): Promise<PutResult> => {
        const step = steps[i];
        return step ? step.run(client, key, () => run(i + 1)) : this.store.put(key, expectRv, value, remove, client, putOptions);
      };
      const result = await run(0);
      await client.query(result.ok ? 'commit' : 'rollback');
      this.store.recordCommitted(key, expectRv, value, remove, result);
      return result;
    } catch (e) {
      failure = { error: e };
      await client.query('rollback').catch(() => {
        broken = true;
      });
    } finally {
      client.release(broken);
    }
    // Only now, with the connection back in the pool: an after-rollback step needs one of its
    // own, and waiting for it while holding this one could starve the pool under contention.
    const { error } = failure;
    for (const step of steps)
      await step.afterRollback?.(error).catch((err: unknown) => this.logger.warn({ err, step: step.name }, 'after-rollback step failed'));
    if (error instanceof AdmissionDeniedError) throw deniedError(error, key);
    throw error;
  }

  /** Removes a stored object (precondition: revision `rv`), through the system-write hook's step when it has one. */
  async removeStored(key: ObjectKey, rv: number, value: string): Promise<PutResult> {
    const step = await this.options.systemWrites?.stepForSystemWrite(key, null);
    return this.write(key, rv, value, true, step ? [step] : []);
  }

  private async validate(r: ResourceRequest, obj: KubeObject): Promise<void> {
    const causes: StatusCause[] = validateMeta(r.type, obj.metadata ?? {});
    r.type.normalize?.(obj);
    if (r.type.validate) {
      for (const issue of await r.type.validate(obj)) causes.push({ reason: 'FieldValueInvalid', field: issue.field, message: issue.message });
    }
    if (causes.length > 0) throw errors.invalid(r.type.kind, r.type.group, obj.metadata?.name ?? '', causes);
  }

  /** apiVersion/kind must name this resource; missing ones are filled in (as the decoder defaults them). */
  private checkTypeMeta(r: ResourceRequest, body: unknown): KubeObject {
    if (!isObjectRecord(body)) throw errors.badRequest('the request body must be a JSON or YAML object');
    const obj = body as KubeObject;
    const expected = apiVersionOf(r.type);
    if (obj.kind !== undefined && obj.kind !== r.type.kind) {
      throw errors.badRequest(`the kind "${String(obj.kind)}" of the object does not match the kind "${r.type.kind}" of the resource ${r.type.plural}`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw errors.badRequest(`the API version "${String(obj.apiVersion)}" of the object does not match "${expected}" of the request`);
    }
    obj.apiVersion = expected;
    obj.kind = r.type.kind;
    if (obj.metadata === undefined) obj.metadata = {};
    if (!isObjectRecord(obj.metadata)) throw errors.badRequest('metadata must be an object');
    const meta = obj.metadata;
    if (r.type.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== r.namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = r.namespace;
    } else {
      delete meta.namespace;
    }
    for (const field of ['name', 'generateName', 'resourceVersion', 'uid'] as const) {
      if (meta[field] !== undefined && typeof meta[field] !== 'string') throw errors.badRequest(`metadata.${field} must be a string`);
    }
    return obj;
  }

  async get(r: ResourceRequest): Promise<Reply> {
    const row = await this.store.get(this.key(r, r.name!));
    if (!row) throw errors.notFound(r.type, r.name!);
    const obj = decodeRow(row, r.type);
    if (r.subresource === 'scale') return { status: 200, body: toScale(r.type, obj) };
    return { status: 200, body: obj };
  }

  /** `applied`: the object is the result of a server-side apply (its managedFields are already computed). */
  async create(r: ResourceRequest, body: unknown, applied = false): Promise<Reply> {
    if (r.subresource) throw errors.methodNotAllowed(`create is not supported on ${r.type.plural}/${r.subresource}`);
    const manager = applied ? '' : managerOf(r.query, r.userAgent, false);
    const obj = this.checkTypeMeta(r, body);
    const meta = obj.metadata!;
    const generated = !meta.name && typeof meta.generateName === 'string' && meta.generateName.length > 0;
    if (generated) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const) {
      delete meta[field];
    }
    if (meta.annotations && typeof meta.annotations === 'object') {
      delete meta.annotations[CLUSTER_ANNOTATION];
      if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    meta.generation = 1;
    await this.validate(r, obj);
    applyCreateDefaults(r.type, obj);
    const { steps, cap } = await this.admit(r, 'CREATE', obj, null, meta.name!);
    // Admission may have mutated the object: validate what will be stored.
    await this.validate(r, obj);
    if (!applied) trackUpdate(ownershipTarget(r), null, obj, manager);
    if (isDryRun(r.query)) return { status: 201, body: obj };
    for (let attempt = 0; ; attempt++) {
      const key = this.key(r, meta.name!);
      const result = await this.write(key, null, encode(obj), false, steps, cap);
      if (cap && result.objects !== undefined) {
        if (!result.ok && result.why === 'capped') throw deniedError(cap.denied(result.objects), key);
        if (result.ok) cap.admitted?.(result.objects, (m) => r.warnings.push(m));
      }
      if (result.ok) {
        meta.resourceVersion = String(result.rv);
        meta.annotations = { ...meta.annotations, [CLUSTER_ANNOTATION]: r.cluster!.name };
        return { status: 201, body: obj };
      }
      if (!generated || attempt >= 3) throw errors.alreadyExists(r.type, meta.name!);
      meta.name = `${meta.generateName}${generateNameSuffix()}`;
    }
  }

  /** PUT: full replacement with optimistic concurrency. */
  async update(r: ResourceRequest, body: unknown): Promise<Reply> {
    if (r.subresource === 'scale') {
      if (!isObjectRecord(body) || (body.kind !== undefined && body.kind !== 'Scale'))
        throw errors.badRequest('the body of a scale update must be an autoscaling/v1 Scale');
      return this.updateScale(r, body as KubeObject);
    }
    const incoming = this.checkTypeMeta(r, body);
    if (incoming.metadata!.name !== undefined && incoming.metadata!.name !== r.name) {
      throw errors.badRequest(`the name of the object (${incoming.metadata!.name}) does not match the name on the URL (${r.name})`);
    }
    incoming.metadata!.name = r.name;
    const requestedRv = incoming.metadata!.resourceVersion;
    return this.readModifyWrite(r, requestedRv, () => structuredClone(incoming), managerOf(r.query, r.userAgent, false));
  }

  async patch(r: ResourceRequest, patchType: PatchType, patchBody: unknown): Promise<Reply> {
    if (patchType === 'apply') return this.apply(r, patchBody);
    if (r.query.has('force')) {
      throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [{ field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }]);
    }
    const manager = managerOf(r.query, r.userAgent, false);
    let requestedRv: string | undefined;
    return this.readModifyWrite(
      r,
      () => requestedRv,
      (current) => {
        const base = r.subresource === 'scale' ? (toScale(r.type, current) as unknown as KubeObject) : current;
        const patched = applyPatch(patchType, structuredClone(base) as never, patchBody) as unknown as KubeObject;
        if (!isObjectRecord(patched)) throw errors.badRequest('the patch produced something that is not an object');
        const rvAfter = (patched.metadata as ObjectMeta | undefined)?.resourceVersion;
        // A patch that names a resourceVersion is a precondition, as in Kubernetes.
        if (rvAfter !== undefined && rvAfter !== current.metadata?.resourceVersion) requestedRv = rvAfter;
        if (r.subresource === 'scale') return fromScale(r.type, current, patched);
        return this.checkTypeMeta(r, patched);
      },
      manager,
    );
  }

  /**
   * Server-side apply: merges the configuration by the resource's schema,
   * records what `fieldManager` owns, removes what it stopped applying, 409 on
   * another manager's fields unless `force=true`. Creates a missing object.
   */
  private async apply(r: ResourceRequest, patchBody: unknown): Promise<Reply> {
    if (r.subresource === 'scale')
      throw errors.methodNotAllowed('server-side apply is not supported on the scale subresource; apply spec.replicas on the object');
    const manager = managerOf(r.query, r.userAgent, true);
    const force = r.query.get('force') === 'true';
    if (!isObjectRecord(patchBody)) throw errors.badRequest('an apply patch must be a single YAML or JSON object');
    const expected = apiVersionOf(r.type);
    if (patchBody.apiVersion !== undefined && patchBody.apiVersion !== expected) {
      throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(patchBody.apiVersion)}, expected: ${expected}`);
    }
    const config = this.checkTypeMeta(r, structuredClone(patchBody));
    if (config.metadata!.name !== undefined && config.metadata!.name !== r.name) {
      throw errors.badRequest(`the name of the object (${config.metadata!.name}) does not match the name on the URL (${r.name})`);
    }
    config.metadata!.name = r.name;
    const target = ownershipTarget(r);
    const existing = await this.store.get(this.key(r, r.name!));
    if (!existing) {
      if (r.subresource) throw errors.notFound(r.type, r.name!);
      try {
        return await this.create(r, trackApply(target, null, config, manager, force), true);
      } catch (e) {
        // Created by someone else meanwhile: apply to theirs.
        if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
      }
    }
    let requestedRv: string | undefined;
    return this.readModifyWrite(
      r,
      () => requestedRv,
      (current) => {
        const applied = trackApply(target, asStored(current), config, manager, force);
        const rvAfter = applied.metadata?.resourceVersion;
        if (rvAfter !== undefined && rvAfter !== current.metadata?.resourceVersion) requestedRv = rvAfter;
        return this.checkTypeMeta(r, applied);
      },
      undefined,
    );
  }

  private async updateScale(r: ResourceRequest, scale: KubeObject): Promise<Reply> {
    const requestedRv = scale.metadata?.resourceVersion;
    return this.readModifyWrite(r, requestedRv, (current) => fromScale(r.type, current, scale), managerOf(r.query, r.userAgent, false));
  }

  /**
   * The GuaranteedUpdate loop: read, compute the new object, write with the
   * read revision as precondition; retry on a lost race unless the client
   * named a resourceVersion (then the race is the client's 409).
   */
  private async readModifyWrite(
    r: ResourceRequest,
    requestedRv: string | undefined | (() => string | undefined),
    compute: (current: KubeObject) => KubeObject,
    /** The field manager to record; undefined when `compute` recorded ownership itself (apply). */
    manager: string | undefined,
  ): Promise<Reply> {
    const maxRetries = this.options.maxRetries ?? 8;
    for (let attempt = 0; ; attempt++) {
      const key = this.key(r, r.name!);
      const row = await this.store.get(key);
      if (!row) throw errors.notFound(r.type, r.name!);
      const current = decodeRow(row, r.type);
      let incoming = compute(structuredClone(current));
      const wanted = typeof requestedRv === 'function' ? requestedRv() : requestedRv;
      if (wanted !== undefined && wanted !== '' && wanted !== String(row.rv)) {
        throw errors.conflict(r.type, r.name!, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      incoming = this.prepareUpdate(r, current, incoming);
      await this.validate(r, incoming);
      const { steps } = await this.admit(r, 'UPDATE', incoming, current, r.name!);
      if (manager !== undefined) trackUpdate(ownershipTarget(r), asStored(current), incoming, manager);
      const finalize = !!incoming.metadata?.deletionTimestamp && (incoming.metadata.finalizers ?? []).length === 0;
      if (isDryRun(r.query)) return { status: 200, body: r.subresource === 'scale' ? toScale(r.type, incoming) : incoming };
      const value = encode(incoming);
      if (!finalize && isDeepStrictEqual(JSON.parse(value), JSON.parse(row.value))) {
        // Nothing changed (a repeated apply, an idempotent PUT): no write and no new revision, as in Kubernetes.
        return { status: 200, body: r.subresource === 'scale' ? toScale(r.type, current) : current };
      }
      const result = await this.write(key, row.rv, value, finalize, steps);
      if (result.ok) {
        incoming.metadata!.resourceVersion = String(result.rv);
        incoming.metadata!.annotations = { ...incoming.metadata!.annotations, [CLUSTER_ANNOTATION]: r.cluster!.name };
        if (finalize) this.afterRemoval(r, incoming);
        return { status: 200, body: r.subresource === 'scale' ? toScale(r.type, incoming) : incoming };
      }
      if (result.why === 'missing') throw errors.notFound(r.type, r.name!);
      if ((wanted !== undefined && wanted !== '') || attempt >= maxRetries) {
        throw errors.conflict(r.type, r.name!, 'the object has been modified; please apply your changes to the latest version and try again');
      }
    }
  }

  /** Carries what clients may not change, and splits the main resource from `/status`. */
  private prepareUpdate(r: ResourceRequest, current: KubeObject, incoming: KubeObject): KubeObject {
    let next: KubeObject;
    if (r.subresource === 'status') {
      next = structuredClone(current);
      next.status = incoming.status;
    } else {
      next = incoming;
      if (r.type.status) {
        if (current.status === undefined) delete next.status;
        else next.status = current.status;
      }
    }
    next.metadata ??= {};
    const meta = next.metadata;
    const old = current.metadata!;
    meta.name = old.name;
    if (r.type.namespaced) meta.namespace = old.namespace;
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    if (old.deletionTimestamp) {
      meta.deletionTimestamp = old.deletionTimestamp;
      if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (meta.annotations && typeof meta.annotations === 'object') {
      delete meta.annotations[CLUSTER_ANNOTATION];
      if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
    }
    const generation = typeof old.generation === 'number' ? old.generation : 1;
    meta.generation = specChanged(next, current) ? generation + 1 : generation;
    if (r.type.group === '' && r.type.plural === 'services') {
      const spec = next.spec as Record<string, unknown> | undefined;
      const oldSpec = current.spec as Record<string, unknown> | undefined;
      if (spec && oldSpec && spec.clusterIP === undefined && oldSpec.clusterIP !== undefined) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs;
      }
    }
    return next;
  }

  async delete(r: ResourceRequest, body: unknown): Promise<Reply> {
    const options = isObjectRecord(body) ? body : {};
    const propagation = (r.query.get('propagationPolicy') ?? (options.propagationPolicy as string | undefined) ?? 'Background') as string;
    if (!['Background', 'Foreground', 'Orphan'].includes(propagation)) {
      throw errors.badRequest(`propagationPolicy: Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan"`);
    }
    const preconditions = (isObjectRecord(options.preconditions) ? options.preconditions : {}) as { uid?: string; resourceVersion?: string };
    if (Array.isArray(options.dryRun) && options.dryRun.includes('All')) r.query.set('dryRun', 'All');
    for (let attempt = 0; ; attempt++) {
      const key = this.key(r, r.name!);
      const row = await this.store.get(key);
      if (!row) throw errors.notFound(r.type, r.name!);
      const current = decodeRow(row, r.type);
      if (preconditions.uid && preconditions.uid !== current.metadata?.uid) {
        throw errors.conflict(r.type, r.name!, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata?.uid}`);
      }
      if (preconditions.resourceVersion && preconditions.resourceVersion !== String(row.rv)) {
        throw errors.conflict(
          r.type,
          r.name!,
          `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${row.rv}`,
        );
      }
      await this.admit(r, 'DELETE', null, current, r.name!);
      const isNamespace = r.type.group === '' && r.type.plural === 'namespaces';
      const finalizers = current.metadata?.finalizers ?? [];
      if (isNamespace || finalizers.length > 0) {
        // Deletion is pending until finalizers (or the namespace's contents) are gone.
        if (current.metadata?.deletionTimestamp) {
          if (isNamespace && !isDryRun(r.query)) await this.namespaceTerminating(r.cluster!, r.name!);
          return { status: isNamespace ? 200 : 202, body: current };
        }
        const next = structuredClone(current);
        next.metadata!.deletionTimestamp = nowTimestamp();
        next.metadata!.deletionGracePeriodSeconds = 0;
        if (isNamespace) next.status = { ...(next.status as object), phase: 'Terminating' };
        if (isDryRun(r.query)) return { status: 202, body: next };
        const result = await this.store.put(key, row.rv, encode(next));
        if (!result.ok) {
          if (attempt < 8) continue;
          throw errors.conflict(r.type, r.name!, 'the object has been modified; please retry');
        }
        next.metadata!.resourceVersion = String(result.rv);
        next.metadata!.annotations = { ...next.metadata!.annotations, [CLUSTER_ANNOTATION]: r.cluster!.name };
        if (isNamespace) await this.namespaceTerminating(r.cluster!, r.name!);
        else if (propagation !== 'Orphan') await this.deleteDependents(r.cluster!, current, propagation === 'Foreground');
        // kube-apiserver answers a namespace deletion with the Terminating namespace and 200.
        return { status: isNamespace ? 200 : 202, body: next };
      }
      if (isDryRun(r.query))
        return { status: 200, body: successStatus({ name: r.name!, group: r.type.group, kind: r.type.plural, uid: current.metadata?.uid }) };
      if (propagation === 'Foreground') await this.deleteDependents(r.cluster!, current, true);
      const result = await this.removeStored(key, row.rv, encode(current));
      if (!result.ok) {
        if (result.why === 'missing') throw errors.notFound(r.type, r.name!);
        if (attempt < 8) continue;
        throw errors.conflict(r.type, r.name!, 'the object has been modified; please retry');
      }
      if (propagation === 'Orphan') await this.orphanDependents(r.cluster!, current);
      else if (propagation === 'Background')
        void this.deleteDependents(r.cluster!, current, false).catch((err) => this.logger.warn({ err }, 'garbage collection failed'));
      this.afterRemoval(r, current);
      return { status: 200, body: successStatus({ name: r.name!, group: r.type.group, kind: r.type.plural, uid: current.metadata?.uid }) };
    }
  }

  /** A namespace went Terminating: the namespace controller empties it (inline when there is none). */
  private async namespaceTerminating(cluster: LogicalCluster, namespace: string): Promise<void> {
    if (this.options.namespaces) this.options.namespaces.schedule(cluster.name, namespace);
    else await this.finalizeNamespace(cluster, namespace);
  }

  /** After an object is really gone: a terminating namespace may now be empty. */
  private afterRemoval(r: ResourceRequest, obj: KubeObject): void {
    if (!r.type.namespaced || !r.cluster || !obj.metadata?.namespace) return;
    const cluster = r.cluster;
    const namespace = obj.metadata.namespace;
    if (this.options.namespaces) {
      this.options.namespaces.contentRemoved(cluster.name, namespace);
      return;
    }
    void (async () => {
      const ns = await this.store.get(storageKey(cluster.name, '', 'namespaces', '', namespace));
      if (ns && (JSON.parse(ns.value) as KubeObject).metadata?.deletionTimestamp) await this.finalizeNamespace(cluster, namespace);
    })().catch((err) => this.logger.warn({ err }, 'namespace finalization failed'));
  }

  /**
   * One pass of the namespace controller: deletes every object in the namespace
   * (objects with finalizers get a deletionTimestamp and are waited for),
   * then removes the namespace itself. Idempotent; called again whenever a
   * remaining object goes away.
   */
  async finalizeNamespace(cluster: LogicalCluster, namespace: string): Promise<boolean> {
    const rows = await this.store.listNamespaceContents(cluster.name, namespace);
    let remaining = 0;
    for (const row of rows) {
      const obj = JSON.parse(row.value) as KubeObject;
      const key: ObjectKey = { cluster: row.cluster, resource: row.resource, namespace: row.namespace, name: row.name };
      if ((obj.metadata?.finalizers ?? []).length > 0) {
        remaining++;
        if (!obj.metadata?.deletionTimestamp) {
          obj.metadata!.deletionTimestamp = nowTimestamp();
          obj.metadata!.deletionGracePeriodSeconds = 0;
          await this.store.put(key, row.rv, JSON.stringify(obj));
        }
        continue;
      }
      const result = await this.removeStored(key, row.rv, row.value);
      if (!result.ok && result.why !== 'missing') remaining++;
    }
    if (remaining > 0) return false;
    const nsKey = storageKey(cluster.name, '', 'namespaces', '', namespace);
    const ns = await this.store.get(nsKey);
    if (!ns) return true;
    const nsObj = JSON.parse(ns.value) as KubeObject;
    if (!nsObj.metadata?.deletionTimestamp || (nsObj.metadata.finalizers ?? []).length > 0) return false;
    const result = await this.removeStored(nsKey, ns.rv, ns.value);
    return result.ok;
  }

  private async dependentsOf(cluster: LogicalCluster, owner: KubeObject): Promise<StoredRow[]> {
    const uid = owner.metadata?.uid;
    if (!uid) return [];
    const { rows } = await this.store.pool.query<{ resource: string; namespace: string; name: string; rv: string; value: string }>(
      'select resource, namespace, name, rv, value from apiserver.objects where cluster = $1 and strpos(value, $2) > 0',
      [cluster.name, uid],
    );
    return rows
      .map((row) => ({ cluster: cluster.name, resource: row.resource, namespace: row.namespace, name: row.name, rv: Number(row.rv), value: row.value }))
      .filter((row) => ((JSON.parse(row.value) as KubeObject).metadata?.ownerReferences ?? []).some((o) => o.uid === uid));
  }

  /** Garbage collection of owned objects (ownerReferences), recursively. */
  private async deleteDependents(cluster: LogicalCluster, owner: KubeObject, wait: boolean): Promise<void> {
    for (const row of await this.dependentsOf(cluster, owner)) {
      const obj = JSON.parse(row.value) as KubeObject;
      const key: ObjectKey = { cluster: row.cluster, resource: row.resource, namespace: row.namespace, name: row.name };
      if ((obj.metadata?.finalizers ?? []).length > 0) {
        if (!obj.metadata?.deletionTimestamp) {
          obj.metadata!.deletionTimestamp = nowTimestamp();
          await this.store.put(key, row.rv, JSON.stringify(obj));
        }
        continue;
      }
      if (wait) await this.deleteDependents(cluster, obj, true);
      const result = await this.removeStored(key, row.rv, row.value);
      if (result.ok && !wait) await this.deleteDependents(cluster, obj, false);
    }
  }

  private async orphanDependents(cluster: LogicalCluster, owner: KubeObject): Promise<void> {
    const uid = owner.metadata?.uid;
    for (const row of await this.dependentsOf(cluster, owner)) {
      const obj = JSON.parse(row.value) as KubeObject;
      obj.metadata!.ownerReferences = (obj.metadata!.ownerReferences ?? []).filter((o) => o.uid !== uid);
      if (obj.metadata!.ownerReferences.length === 0) delete obj.metadata!.ownerReferences;
      // Losing its controller can give an object a price of its own (a ReplicaSet's Pod).
      const key: ObjectKey = { cluster: row.cluster, resource: row.resource, namespace: row.namespace, name: row.name };
      const step = await this.options.systemWrites?.stepForSystemWrite(key, obj);
      await this.write(key, row.rv, JSON.stringify(obj), false, step ? [step] : []);
    }
  }

  async deleteCollection(r: ResourceRequest, body: unknown): Promise<Reply> {
    const listed = await this.listObjects(r, Number.MAX_SAFE_INTEGER);
    const deleted: KubeObject[] = [];
    for (const obj of listed.items) {
      const one: ResourceRequest = { ...r, name: obj.metadata!.name!, namespace: obj.metadata?.namespace ?? r.namespace, query: new URLSearchParams(r.query) };
      try {
        await this.delete(one, body);
        deleted.push(obj);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 404)) throw e;
      }
    }
    return {
      status: 200,
      body: { apiVersion: apiVersionOf(r.type), kind: r.type.listKind, metadata: { resourceVersion: String(listed.rv) }, items: deleted },
    };
  }

  /** Label and field selectors from the query; metadata.name/namespace are pushed into SQL. */
  selectors(r: ResourceRequest): { labels: LabelRequirement[]; fields: FieldRequirement[]; namespace?: string; name?: string } {
    const labels = parseLabelSelector(r.query.get('labelSelector'));
    const fields = parseFieldSelector(r.query.get('fieldSelector'));
    let namespace = r.type.namespaced ? r.namespace : undefined;
    let name: string | undefined;
    const rest: FieldRequirement[] = [];
    for (const f of fields) {
      if (f.op === '=' && f.field === 'metadata.name' && name === undefined) name = f.value;
      else if (f.op === '=' && f.field === 'metadata.namespace' && r.type.namespaced && namespace === undefined) namespace = f.value;
      else rest.push(f);
    }
    return { labels, fields: rest, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}) };
  }

  /** Lists with paging at a consistent revision; `limit` 0 means everything. */
  async listObjects(
    r: ResourceRequest,
    limit: number,
    continueToken?: string,
  ): Promise<{ rv: number; items: KubeObject[]; continue?: string; remainingItemCount?: number }> {
    const sel = this.selectors(r);
    const resource = storageResource(r.type);
    let atRv: number | undefined;
    let after: { cluster: string; namespace: string; name: string } | undefined;
    if (continueToken) {
      const t = decodeContinue(continueToken);
      atRv = t.rv;
      after = { cluster: t.c, namespace: t.ns, name: t.n };
    } else if (r.query.get('resourceVersionMatch') === 'Exact') {
      atRv = parseIntParam(r.query, 'resourceVersion');
      if (atRv === undefined) throw errors.badRequest('resourceVersionMatch=Exact needs a resourceVersion');
    }
    const wanted = limit > 0 ? limit : Number.MAX_SAFE_INTEGER;
    const filtered = sel.labels.length > 0 || sel.fields.length > 0;
    const items: KubeObject[] = [];
    let snapshotRv: number | undefined = atRv;
    let lastKey: { cluster: string; namespace: string; name: string } | undefined = after;
    let exhausted = false;
    let remaining: number | undefined;
    for (;;) {
      const batch = Math.min(Math.max(wanted - items.length + 1, 50), 1000);
      let result: ListResult;
      try {
        result = await this.store.list({
          cluster: r.cluster?.name ?? null,
          resource,
          ...(sel.namespace !== undefined ? { namespace: sel.namespace } : {}),
          ...(sel.name !== undefined ? { name: sel.name } : {}),
          ...(lastKey ? { after: lastKey } : {}),
          limit: batch,
          ...(snapshotRv !== undefined ? { atRv: snapshotRv } : {}),
          countRemaining: !filtered && limit > 0,
        });
      } catch (e) {
        if (e instanceof RevisionTooOldError) {
          throw errors.gone(
            continueToken
              ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
              : `too old resource version: ${e.requested} (${e.compacted})`,
          );
        }
        throw e;
      }
      snapshotRv ??= result.rv;
      let stoppedAt = -1;
      for (const [i, row] of result.rows.entries()) {
        lastKey = { cluster: row.cluster, namespace: row.namespace, name: row.name };
        const obj = decodeRow(row, r.type);
        if (!matchesLabels(sel.labels, obj.metadata?.labels) || !matchesFields(sel.fields, obj)) continue;
        items.push(obj);
        if (items.length === wanted) {
          stoppedAt = i;
          break;
        }
      }
      if (stoppedAt >= 0) {
        if (result.total !== undefined) remaining = result.total - (stoppedAt + 1);
        exhausted = remaining === 0 || (stoppedAt === result.rows.length - 1 && result.rows.length < batch);
        break;
      }
      if (result.rows.length < batch) {
        exhausted = true;
        break;
      }
    }
    const rv = snapshotRv ?? (await this.store.currentRv());
    if (limit > 0 && items.length === wanted && !exhausted && lastKey) {
      return {
        rv,
        items,
        continue: encodeContinue({ rv, c: lastKey.cluster, ns: lastKey.namespace, n: lastKey.name }),
        ...(remaining !== undefined ? { remainingItemCount: remaining } : {}),
      };
    }
    return { rv, items };
  }

  async list(r: ResourceRequest): Promise<{ rv: number; items: KubeObject[]; metadata: Record<string, unknown> }> {
    const limit = parseIntParam(r.query, 'limit') ?? 0;
    const token = r.query.get('continue') || undefined;
    const result = await this.listObjects(r, limit, token);
    const metadata: Record<string, unknown> = { resourceVersion: String(result.rv) };
    if (result.continue) metadata.continue = result.continue;
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    return { rv: result.rv, items: result.items, metadata };
  }

  /** SelfSubjectAccessReview: what `kubectl auth can-i` asks. */
  async selfSubjectAccessReview(r: ResourceRequest, body: unknown): Promise<Reply> {
    if (!isObjectRecord(body) || !isObjectRecord(body.spec)) throw errors.badRequest('SelfSubjectAccessReview needs a spec');
    const spec = body.spec as { resourceAttributes?: Record<string, string>; nonResourceAttributes?: { path?: string; verb?: string } };
    let allowed: boolean;
    if (spec.resourceAttributes) {
      const a = spec.resourceAttributes;
      allowed = await this.rbac.allowed(r.user, r.cluster!.name, {
        verb: a.verb ?? '',
        group: a.group ?? '',
        resource: a.resource ?? '',
        ...(a.subresource ? { subresource: a.subresource } : {}),
        ...(a.namespace ? { namespace: a.namespace } : {}),
        ...(a.name ? { name: a.name } : {}),
      });
    } else if (spec.nonResourceAttributes) {
      allowed = true;
    } else {
      throw errors.invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
        { field: 'spec', message: 'exactly one of resourceAttributes or nonResourceAttributes is required' },
      ]);
    }
    return {
      status: 201,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        metadata: { creationTimestamp: null },
        spec,
        status: { allowed, ...(allowed ? { reason: 'RBAC: allowed' } : {}) },
      },
    };
  }
}

/** An admission refusal as the response Status, naming the object by its storage key. */
function deniedError(error: AdmissionDeniedError, key: ObjectKey): ApiError {
  const resource = key.resource.split('@')[0]!;
  const dot = resource.indexOf('.');
  return new ApiError(error.code, error.reason, error.message, {
    name: key.name,
    group: dot < 0 ? '' : resource.slice(dot + 1),
    kind: dot < 0 ? resource : resource.slice(0, dot),
    ...(error.causes ? { causes: error.causes } : {}),
  });
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All' && v !== '') throw errors.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return values.includes('All');
}

function jsonPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (!isObjectRecord(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function toScale(t: ResourceType, obj: KubeObject) {
  const scale = t.scale!;
  const selector = jsonPath(obj, scale.labelSelectorPath ?? '') ?? jsonPath(obj, '.spec.selector');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata?.name,
      namespace: obj.metadata?.namespace,
      uid: obj.metadata?.uid,
      resourceVersion: obj.metadata?.resourceVersion,
      creationTimestamp: obj.metadata?.creationTimestamp,
    },
    spec: { replicas: Number(jsonPath(obj, scale.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(jsonPath(obj, scale.statusReplicasPath) ?? 0),
      ...(typeof selector === 'string' ? { selector } : isObjectRecord(selector) ? { selector: labelSelectorString(selector) } : {}),
    },
  };
}

function labelSelectorString(selector: Record<string, unknown>): string {
  const matchLabels = isObjectRecord(selector.matchLabels) ? selector.matchLabels : {};
  return Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

function fromScale(t: ResourceType, current: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', current.metadata?.name ?? '', [
      { field: 'spec.replicas', message: 'Invalid value: must be a non-negative integer' },
    ]);
  }
  const next = structuredClone(current);
  const path = t.scale!.specReplicasPath.replace(/^\./, '').split('.');
  let cur = next as Record<string, unknown>;
  for (const part of path.slice(0, -1)) {
    if (!isObjectRecord(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = replicas;
  return next;
}

const mergeTypes = new WeakMap<ResourceType, OwnershipTarget['type']>();

function ownershipTarget(r: ResourceRequest): OwnershipTarget {
  let type = mergeTypes.get(r.type);
  if (!type) {
    type = mergeTypeOf(r.type);
    mergeTypes.set(r.type, type);
  }
  return { type, apiVersion: apiVersionOf(r.type), ...(r.subresource ? { subresource: r.subresource } : {}), hasStatus: r.type.status };
}

/** The object as stored: without the revision and the cluster annotation that decodeRow adds for clients. */
function asStored(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  if (metadata.annotations && CLUSTER_ANNOTATION in metadata.annotations) {
    const { [CLUSTER_ANNOTATION]: _c, ...others } = metadata.annotations;
    if (Object.keys(others).length > 0) metadata.annotations = others;
    else delete metadata.annotations;
  }
  return { ...obj, metadata };
}
