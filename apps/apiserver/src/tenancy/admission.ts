import { type AdmissionAttributes, AdmissionDeniedError, type MutatingAdmissionPlugin } from '../admission/types.js';
import { SYSTEM_MASTERS } from '../auth/authn.js';
import type { RbacAuthorizer } from '../auth/rbac.js';
import type { KubeObject } from '../registry/types.js';
import type { ClusterDirectory } from '../storage/clusters.js';
import { CORE_GROUP, OWNER_ANNOTATION, TENANCY_GROUP, type TypeReference, UNIVERSAL, WORKSPACE_FINALIZER } from './types.js';
import { chainMatches, refKey, specOf, type WorkspaceTypeResolver } from './workspace-types.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * kcp's workspace admission, as one mutating plugin (it must run before the
 * object is stored and may rewrite it):
 * - CREATE Workspace: resolve `spec.type` (default: the parent type's
 *   `defaultChildWorkspaceType`, else `root:universal`), enforce
 *   `limitAllowedChildren`/`limitAllowedParents` of both chains, require the
 *   `use` verb on the type for non-admin users, record the creator as owner,
 *   add the finalizer that holds the Workspace until its subtree is gone, and
 *   start in phase Scheduling. `spec.cluster`/`spec.URL` belong to the server.
 * - UPDATE Workspace: type, cluster, URL, owner and finalizer are immutable.
 * - LogicalCluster: never created or deleted through the API; on update
 *   clients (initializers) may only remove entries from `status.initializers`.
 */
export function workspaceAdmission(deps: { clusters: ClusterDirectory; types: WorkspaceTypeResolver; rbac: RbacAuthorizer }): MutatingAdmissionPlugin {
  return {
    name: 'WorkspaceAdmission',
    async admit(a) {
      if (a.resource.group === TENANCY_GROUP && a.resource.plural === 'workspaces') {
        if (a.operation === 'CREATE') await admitCreate(a, deps);
        else if (a.operation === 'UPDATE') keepServerFields(a.object!, a.oldObject!);
      } else if (a.resource.group === CORE_GROUP && a.resource.plural === 'logicalclusters') {
        if (a.operation !== 'UPDATE') {
          throw new AdmissionDeniedError(
            `LogicalCluster objects are managed by the server: ${a.operation.toLowerCase()} is not allowed; create or delete a Workspace instead`,
          );
        }
        admitLogicalClusterUpdate(a.object!, a.oldObject!);
      }
    },
  };
}

async function admitCreate(a: AdmissionAttributes, deps: { clusters: ClusterDirectory; types: WorkspaceTypeResolver; rbac: RbacAuthorizer }): Promise<void> {
  const ws = a.object!;
  const parent = a.logicalCluster;
  const spec = (isRecord(ws.spec) ? ws.spec : {}) as Record<string, unknown>;
  const parentType = await deps.types.typeOfCluster(parent);
  const parentChain = parentType ? await deps.types.chain(parentType) : [];

  let ref = spec.type as TypeReference | undefined;
  if (!ref) {
    const fallback = parentChain.map((t) => ({ t, d: specOf(t).defaultChildWorkspaceType })).find((x) => x.d);
    ref = fallback?.d ? { name: fallback.d.name, path: fallback.d.path ?? fallback.t.path } : { name: UNIVERSAL, path: 'root' };
  }
  const type = await deps.types.resolve(ref, parent);
  if (!type) {
    throw new AdmissionDeniedError(`spec.type: Invalid value: workspace type ${ref.path ? `${ref.path}:` : ''}${ref.name} does not exist`, 422, 'Invalid');
  }
  const chain = await deps.types.chain(type);

  // The child's type must accept the parent …
  for (const t of chain) {
    const limit = specOf(t).limitAllowedParents;
    if (!limit) continue;
    if (limit.none) throw new AdmissionDeniedError(`workspace type ${t.key} does not allow any parent workspace; it cannot be created in ${parent.path}`);
    const allowed = limit.types ?? [];
    if (allowed.length > 0 && !chainMatches(parentChain, allowed, t.path)) {
      throw new AdmissionDeniedError(
        `workspace type ${type.key} only allows [${allowed.map((r) => refKey(r, t.path)).join(', ')}] parent workspaces, but ${parent.path} is of type ${parentType?.key ?? 'none'}`,
      );
    }
  }
  // … and the parent's type must accept the child.
  for (const t of parentChain) {
    const limit = specOf(t).limitAllowedChildren;
    if (!limit) continue;
    if (limit.none) throw new AdmissionDeniedError(`workspace type ${t.key} of ${parent.path} does not allow child workspaces`);
    const allowed = limit.types ?? [];
    if (allowed.length > 0 && !chainMatches(chain, allowed, t.path)) {
      throw new AdmissionDeniedError(
        `workspace type ${t.key} of ${parent.path} only allows [${allowed.map((r) => refKey(r, t.path)).join(', ')}] child workspaces, not ${type.key}`,
      );
    }
  }

  // kcp's "use" permission on the type, checked in the type's own logical
  // cluster. Everybody may use root:universal (kcp's bootstrap policy grants it).
  if (!a.user.groups.includes(SYSTEM_MASTERS) && type.key !== `root:${UNIVERSAL}`) {
    const home = await deps.clusters.resolve(type.path);
    const allowed = home
      ? await deps.rbac.allowed(a.user, home.name, { verb: 'use', group: TENANCY_GROUP, resource: 'workspacetypes', name: type.name })
      : false;
    if (!allowed) {
      throw new AdmissionDeniedError(
        `workspaces.tenancy.kcp.io "${a.name}" is forbidden: User "${a.user.name}" cannot use workspacetypes "${type.name}" in workspace ${type.path}`,
      );
    }
  }

  delete spec.cluster;
  delete spec.URL;
  spec.type = { name: type.name, path: type.path };
  ws.spec = spec;
  const meta = ws.metadata!;
  meta.annotations = { ...meta.annotations, [OWNER_ANNOTATION]: JSON.stringify({ username: a.user.name, groups: a.user.groups }) };
  meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== WORKSPACE_FINALIZER), WORKSPACE_FINALIZER];
  ws.status = { phase: 'Scheduling' };
}

function keepServerFields(next: KubeObject, old: KubeObject): void {
  const oldSpec = (isRecord(old.spec) ? old.spec : {}) as Record<string, unknown>;
  const spec = (isRecord(next.spec) ? next.spec : {}) as Record<string, unknown>;
  for (const field of ['type', 'cluster', 'URL'] as const) {
    if (oldSpec[field] === undefined) delete spec[field];
    else spec[field] = oldSpec[field];
  }
  next.spec = spec;
  const meta = next.metadata!;
  const owner = old.metadata?.annotations?.[OWNER_ANNOTATION];
  if (owner !== undefined) meta.annotations = { ...meta.annotations, [OWNER_ANNOTATION]: owner };
  if (old.metadata?.finalizers?.includes(WORKSPACE_FINALIZER) && !meta.finalizers?.includes(WORKSPACE_FINALIZER)) {
    meta.finalizers = [...(meta.finalizers ?? []), WORKSPACE_FINALIZER];
  }
  // Status (phase, conditions) is the server's: neither the main endpoint nor /status may change it.
  if (old.status === undefined) delete next.status;
  else next.status = old.status;
}

function admitLogicalClusterUpdate(next: KubeObject, old: KubeObject): void {
  const oldStatus = (isRecord(old.status) ? old.status : {}) as Record<string, unknown>;
  const status = (isRecord(next.status) ? next.status : {}) as Record<string, unknown>;
  const before = Array.isArray(oldStatus.initializers) ? (oldStatus.initializers as string[]) : [];
  const after = Array.isArray(status.initializers) ? (status.initializers as string[]) : [];
  const added = after.filter((i) => !before.includes(i));
  if (added.length > 0)
    throw new AdmissionDeniedError(`status.initializers: initializers can only be removed, not added (${added.join(', ')})`, 422, 'Invalid');
  // The phase and URL are the server's; only the initializer list moves.
  next.status = { ...oldStatus, initializers: after };
  next.spec = old.spec;
  const annotations = { ...next.metadata?.annotations, ...old.metadata?.annotations };
  next.metadata = { ...next.metadata, annotations };
}
