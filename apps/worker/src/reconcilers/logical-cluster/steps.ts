import { formatBytes, formatCpuMillis } from '@atrium/core';
import { loadPriceBook } from '@atrium/db';
import { GUARDRAIL_LABEL, isNotFound, type KcpClient, templateWorkspaceType, type Workspace } from '@atrium/kube';
import { applyWorkspaceType, desiredWorkspaceType } from '../../tasks/template-workspace-type.js';
import {
  DEFAULT_REQUESTS_POLICY,
  LOGICAL_CLUSTER_ID_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  MEMBER_ACCESS_POLICY,
  ORG_ID_LABEL,
  orgAdminsGroup,
  teamGroup,
} from './labels.js';
import { CONTINUE, type ReconcileContext, type Step, type StepResult } from './types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What this process already knows to be in place in the backend, per client: parent workspaces that
 * were Ready, and WorkspaceTypes written from a given template version. Only a shortcut: a create that
 * fails because either went away drops the entry, and the next pass ensures it again.
 */
const known = new WeakMap<KcpClient, { parents: Set<string>; types: Map<string, string> }>();
function knownTo(kcp: KcpClient) {
  let k = known.get(kcp);
  if (!k) {
    k = { parents: new Set(), types: new Map() };
    known.set(kcp, k);
  }
  return k;
}

function parentAndName(ctx: ReconcileContext): { parent: string; name: string } {
  const path = ctx.cluster.kcpPath;
  const i = path.lastIndexOf(':');
  return { parent: path.slice(0, i), name: path.slice(i + 1) };
}

/**
 * Waits for a Workspace to be Ready, within the pass's wait budget. Given the state this pass already
 * holds (with its resourceVersion), from the parent's shared watch: Ready is seen the moment the server
 * sends it and costs no request (polling took about 2.4 GETs per cluster and found Ready up to a backoff
 * step late). Otherwise it polls.
 */
async function waitForReady(
  ctx: ReconcileContext,
  parentPath: string,
  name: string,
  onPhase?: (ws: Workspace) => void,
  known?: Workspace,
): Promise<Workspace | undefined> {
  if (known) {
    onPhase?.(known);
    return ctx.kcp.waitForWorkspace(parentPath, known, ctx.waitBudgetMs, (ws) => ws.status?.phase === 'Ready', onPhase);
  }
  const deadline = Date.now() + ctx.waitBudgetMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const ws = await ctx.kcp.getWorkspace(parentPath, name);
    if (ws) onPhase?.(ws);
    if (ws?.status?.phase === 'Ready') return ws;
    if (Date.now() + delay > deadline) return undefined;
    await sleep(delay);
  }
}

export const markProvisioning: Step = {
  name: 'mark-provisioning',
  async run(ctx) {
    if (ctx.status.phase === 'Requested') ctx.status.phase = 'Provisioning';
    return CONTINUE;
  },
};

/** root:<org>:<team…> must exist and be Ready before the cluster's own Workspace. */
export const ensureParentWorkspaces: Step = {
  name: 'ensure-parent-workspaces',
  async run(ctx): Promise<StepResult> {
    const { parent: clusterParent } = parentAndName(ctx);
    const k = knownTo(ctx.kcp);
    if (k.parents.has(clusterParent)) return CONTINUE;
    const parts = ctx.cluster.kcpPath.split(':');
    for (let i = 1; i < parts.length - 1; i++) {
      const parent = parts.slice(0, i).join(':');
      const name = parts[i] as string;
      const ws = await ctx.kcp.ensureWorkspace(parent, { name, labels: { [ORG_ID_LABEL]: ctx.cluster.orgId, [MANAGED_BY_LABEL]: MANAGED_BY } });
      if (ws.status?.phase !== 'Ready' && !(await waitForReady(ctx, parent, name))) {
        return { kind: 'requeue', afterMs: 250, reason: `waiting for workspace ${parent}:${name}` };
      }
    }
    k.parents.add(clusterParent);
    return CONTINUE;
  },
};

/**
 * The template's WorkspaceType exists and matches the template row before any Workspace uses it
 * (level-based: a missing or stale type is written from the row). Platform templates' types live in
 * `root`, org templates' in `root:<org>` (see @atrium/kube `templateWorkspaceType`).
 */
export const ensureTemplateWorkspaceType: Step = {
  name: 'ensure-template-workspace-type',
  async run(ctx) {
    // The template row came with the cluster's (one query per pass); its version is the row's updatedAt.
    const { orgId, orgSlug, ...template } = ctx.cluster.template;
    const ref = templateWorkspaceType(orgSlug, template.slug);
    const version = `${template.id}@${template.updatedAt.getTime()}`;
    const types = knownTo(ctx.kcp).types;
    const key = `${ref.path}:${ref.name}`;
    if (types.get(key) !== version) {
      await applyWorkspaceType(ctx.kcp, ref, desiredWorkspaceType(orgId, template));
      types.set(key, version);
    }
    ctx.workspaceType = ref;
    return CONTINUE;
  },
};

/** Forgets what this process believed about the backend, after a create that contradicted it. */
function forget(ctx: ReconcileContext): void {
  const k = knownTo(ctx.kcp);
  k.parents.delete(parentAndName(ctx).parent);
  if (ctx.workspaceType) k.types.delete(`${ctx.workspaceType.path}:${ctx.workspaceType.name}`);
}

/**
 * The cluster's Workspace, of its template's type. A first pass creates it in one call (parents and type
 * are ensured just before); a later pass reads it first. A Workspace at the path that belongs to another
 * cluster (an earlier one of the same name, still being deleted) is waited out, never adopted.
 */
export const ensureClusterWorkspace: Step = {
  name: 'ensure-cluster-workspace',
  async run(ctx) {
    const { parent, name } = parentAndName(ctx);
    let ws = ctx.cluster.phase === 'Requested' ? undefined : await ctx.kcp.getWorkspace(parent, name);
    if (!ws) {
      for (const step of [ensureParentWorkspaces, ensureTemplateWorkspaceType]) {
        const result = await step.run(ctx);
        if (result.kind !== 'continue') return result;
      }
      const type = ctx.workspaceType as { name: string; path: string };
      try {
        ws = await ctx.kcp.createWorkspace(parent, {
          name,
          type,
          labels: { [LOGICAL_CLUSTER_ID_LABEL]: ctx.cluster.id, [ORG_ID_LABEL]: ctx.cluster.orgId, [MANAGED_BY_LABEL]: MANAGED_BY },
          annotations: { 'atrium.io/template': ctx.cluster.template.slug },
        });
        if (ws) {
          ctx.events.setWorkspaceUid(ws.metadata.uid);
          ctx.events.record('WorkspaceCreated', `Created workspace ${ctx.cluster.kcpPath} of type ${type.path}:${type.name}`);
        } else {
          ws = await ctx.kcp.getWorkspace(parent, name);
          if (!ws) return { kind: 'requeue', afterMs: 0, reason: 'workspace vanished while being created' };
        }
      } catch (err) {
        forget(ctx);
        // The parent went away since this process last saw it: ensure it again at once.
        if (isNotFound(err)) return { kind: 'requeue', afterMs: 0, reason: `workspace ${parent} is missing` };
        throw err;
      }
    }
    const owner = ws.metadata.labels?.[LOGICAL_CLUSTER_ID_LABEL];
    if ((owner && owner !== ctx.cluster.id) || ws.metadata.deletionTimestamp) {
      return { kind: 'requeue', afterMs: 500, reason: `waiting for an earlier workspace at ${ctx.cluster.kcpPath} to be deleted` };
    }
    ctx.events.setWorkspaceUid(ws.metadata.uid);
    ctx.workspace = ws;
    return CONTINUE;
  },
};

export const waitClusterReady: Step = {
  name: 'wait-cluster-ready',
  async run(ctx) {
    const { parent, name } = parentAndName(ctx);
    let ws = ctx.workspace;
    if (ws?.status?.phase !== 'Ready') {
      let initializing = false;
      ws = await waitForReady(
        ctx,
        parent,
        name,
        (seen) => {
          if (seen.status?.phase !== 'Initializing' || initializing) return;
          initializing = true;
          const pending = (seen.status as { initializers?: string[] }).initializers ?? [];
          ctx.events.record('Initializing', `Workspace is initializing${pending.length ? `: waiting for ${pending.join(', ')}` : ''}`);
        },
        ws,
      );
    }
    if (!ws) return { kind: 'requeue', afterMs: 250, reason: 'waiting for the logical cluster to become Ready' };
    ctx.workspace = ws;
    ctx.status.url = ws.spec?.URL ?? null;
    ctx.status.backendClusterId = ws.spec?.cluster ?? null;
    ctx.events.record('Ready', `Workspace is Ready: logical cluster ${ws.spec?.cluster ?? '?'} serves ${ws.spec?.URL ?? ctx.cluster.kcpPath}`);
    return CONTINUE;
  },
};

/**
 * Access by group, not by person: kubeconfig tokens carry the holder's team and org-admin groups, so
 * membership changes need no RBAC rewrite here. One binding with every subject: one call per cluster.
 * A guardrail: members are cluster-admin in the cluster, yet only the platform decides who they are.
 */
export const ensureAccess: Step = {
  name: 'ensure-access',
  async run(ctx) {
    const subjects = [
      { kind: 'Group', name: teamGroup(ctx.cluster.teamId) },
      { kind: 'Group', name: orgAdminsGroup(ctx.cluster.orgId) },
      ...(ctx.cluster.requestedByEmail ? [{ kind: 'User', name: ctx.cluster.requestedByEmail }] : []),
    ];
    await ctx.kcp.ensureObject(ctx.cluster.kcpPath, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: MEMBERS_BINDING, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [GUARDRAIL_LABEL]: MEMBER_ACCESS_POLICY } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: subjects.map((s) => ({ apiGroup: 'rbac.authorization.k8s.io', ...s })),
    });
    ctx.events.record('RBACBound', `Bound cluster-admin to ${subjects.map((s) => `${s.kind.toLowerCase()} ${s.name}`).join(', ')}`);
    return CONTINUE;
  },
};
export const MEMBERS_BINDING = 'atrium:members';

/** The org's request floor, reused for a few seconds: a burst of requests in one org loads the book once. */
const floors = new WeakMap<object, Map<string, { at: number; floor: Promise<{ cpu: string; memory: string }> }>>();
function requestFloor(ctx: ReconcileContext): Promise<{ cpu: string; memory: string }> {
  let byOrg = floors.get(ctx.prisma);
  if (!byOrg) {
    byOrg = new Map();
    floors.set(ctx.prisma, byOrg);
  }
  const hit = byOrg.get(ctx.cluster.orgId);
  if (hit && Date.now() - hit.at < 5000) return hit.floor;
  const floor = loadPriceBook(ctx.prisma, { orgId: ctx.cluster.orgId, at: new Date() }).then((book) => ({
    cpu: formatCpuMillis(book.requestFloor.cpuMillis),
    memory: formatBytes(book.requestFloor.memoryBytes),
  }));
  byOrg.set(ctx.cluster.orgId, { at: Date.now(), floor });
  floor.catch(() => byOrg.delete(ctx.cluster.orgId));
  return floor;
}

/**
 * The namespace's defaults: containers without requests in `default` are stored with the price book's
 * request floor, which is what they are priced at anyway (pricing never depends on this object), so what
 * runs downstream asks for what is billed. A guardrail: tenants cannot change or delete it, and add
 * LimitRanges of their own instead (those may raise requests, never lower the price).
 */
export const ensureDefaults: Step = {
  name: 'ensure-defaults',
  async run(ctx) {
    const floor = await requestFloor(ctx);
    await ctx.kcp.ensureObject(ctx.cluster.kcpPath, {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'atrium-defaults', namespace: 'default', labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [GUARDRAIL_LABEL]: DEFAULT_REQUESTS_POLICY } },
      spec: { limits: [{ type: 'Container', defaultRequest: floor }] },
    });
    ctx.events.record(
      'DefaultsApplied',
      `Applied LimitRange default/atrium-defaults (containers without requests get cpu ${floor.cpu}, memory ${floor.memory}: the price book's floor)`,
    );
    return CONTINUE;
  },
};

/** Steps that do not depend on each other, run concurrently: one round trip instead of several. */
export function concurrently(name: string, steps: Step[]): Step {
  return {
    name,
    async run(ctx) {
      const results = await Promise.all(steps.map((s) => s.run(ctx)));
      return results.find((r) => r.kind !== 'continue') ?? CONTINUE;
    },
  };
}

export const markReady: Step = {
  name: 'mark-ready',
  async run(ctx) {
    ctx.status.phase = 'Ready';
    ctx.status.message = null;
    ctx.status.readyAt = new Date();
    return { kind: 'stop' };
  },
};

export const deleteClusterWorkspace: Step = {
  name: 'delete-cluster-workspace',
  async run(ctx) {
    const { parent, name } = parentAndName(ctx);
    let ws = await ctx.kcp.getWorkspace(parent, name);
    // A newer cluster of the same name owns what is at the path now: ours is gone already.
    const owner = ws?.metadata.labels?.[LOGICAL_CLUSTER_ID_LABEL];
    if (owner && owner !== ctx.cluster.id) ws = undefined;
    if (ws && !ws.metadata.deletionTimestamp) {
      ctx.events.setWorkspaceUid(ws.metadata.uid);
      if (await ctx.kcp.deleteWorkspace(parent, name)) ws = undefined;
      ctx.events.record('DeletionStarted', `Deleting workspace ${ctx.cluster.kcpPath} and everything in it`);
    }
    const deadline = Date.now() + ctx.waitBudgetMs;
    for (let delay = 10; ws; delay = Math.min(delay * 2, 200)) {
      if (Date.now() + delay > deadline) return { kind: 'requeue', afterMs: 250, reason: 'waiting for the workspace subtree to be deleted' };
      await sleep(delay);
      ws = await ctx.kcp.getWorkspace(parent, name);
    }
    return CONTINUE;
  },
};

/** The row stays, as a tombstone for billing history. */
export const markDeleted: Step = {
  name: 'mark-deleted',
  async run(ctx) {
    ctx.status.phase = 'Deleted';
    ctx.status.deletedAt = new Date();
    ctx.status.message = null;
    ctx.events.record('Deleted', `Workspace ${ctx.cluster.kcpPath} is deleted; the cluster record stays for billing history`);
    return { kind: 'stop' };
  },
};

export const PROVISION_CHAIN: Step[] = [
  markProvisioning,
  ensureClusterWorkspace,
  waitClusterReady,
  concurrently('ensure-access-and-defaults', [ensureAccess, ensureDefaults]),
  markReady,
];

export const DELETE_CHAIN: Step[] = [deleteClusterWorkspace, markDeleted];
