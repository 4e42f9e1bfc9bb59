import { loadTemplateForWorkspaceType, type WorkspaceTypeTemplate } from '@atrium/db';
import { isConflict, isNotFound, type KcpClient, TENANCY_API_VERSION, templateWorkspaceType } from '@atrium/kube';
import { z } from 'zod';
import { MANAGED_BY, MANAGED_BY_LABEL, ORG_ID_LABEL } from '../reconcilers/logical-cluster/labels.js';
import type { TaskDeps } from './index.js';

/** `orgId` null (or absent) names a platform template. */
export const templateSyncPayload = z.object({ orgId: z.string().min(1).nullish(), slug: z.string().min(1) });
export const TEMPLATE_ID_LABEL = 'atrium.io/template-id';

/** client-node's object type, without depending on client-node here. */
type KubernetesObject = Parameters<ReturnType<KcpClient['objects']>['create']>[0];

type Outcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent' | 'org-gone';

/** A cluster of any template is a leaf placed in a team workspace (kcp's plain `root:universal`). */
export const CLUSTER_TYPE_SPEC = {
  limitAllowedChildren: { none: true },
  limitAllowedParents: { types: [{ name: 'universal', path: 'root' }] },
};

/**
 * The WorkspaceType of a template as Atrium wants it. What the backend can enforce from a template today:
 * a cluster of it is a leaf (no child workspaces) that only sits in a plain team workspace (never in root,
 * an org's root or another typed workspace); the API sets, regions and pod security travel as annotations
 * for the admission plugins that read them.
 */
export function desiredWorkspaceType(orgId: string | null, t: WorkspaceTypeTemplate) {
  return {
    metadata: {
      labels: { ...(orgId ? { [ORG_ID_LABEL]: orgId } : {}), [TEMPLATE_ID_LABEL]: t.id, [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: {
        'atrium.io/template': t.slug,
        'atrium.io/display-name': t.name,
        'atrium.io/api-sets': t.apiSets.join(','),
        'atrium.io/allowed-regions': t.allowedRegions.join(','),
        'atrium.io/pod-security': t.podSecurity,
      },
    },
    spec: CLUSTER_TYPE_SPEC,
  };
}

/**
 * Makes the WorkspaceType `ref` match `desired`: created when missing, replaced when what Atrium sets
 * differs, left alone otherwise. A lost race with another writer is a conflict the caller retries.
 */
export async function applyWorkspaceType(
  kcp: KcpClient,
  ref: { name: string; path: string },
  desired: ReturnType<typeof desiredWorkspaceType>,
): Promise<'created' | 'updated' | 'unchanged'> {
  const objects = kcp.objects(ref.path);
  const key = { apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name: ref.name } };
  let existing: KubernetesObject & { spec?: unknown };
  try {
    existing = (await objects.read(key)) as KubernetesObject & { spec?: unknown };
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await objects.create({ ...key, metadata: { ...key.metadata, ...desired.metadata }, spec: desired.spec } as KubernetesObject);
      return 'created';
    } catch (createErr) {
      // The org workspace may still be initialising (404 for its path) or another pass won (409): retry later.
      if (isConflict(createErr) || isNotFound(createErr)) throw new Error(`WorkspaceType ${ref.path}:${ref.name} not created yet; retrying`);
      throw createErr;
    }
  }
  // Compare only what Atrium sets: the server may add its own annotations and defaults.
  const current = existing as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  const same =
    Object.entries(desired.metadata.labels).every(([k, v]) => current.metadata?.labels?.[k] === v) &&
    Object.entries(desired.metadata.annotations).every(([k, v]) => current.metadata?.annotations?.[k] === v) &&
    Object.entries(desired.spec).every(([k, v]) => JSON.stringify(current.spec?.[k]) === JSON.stringify(v));
  if (same) return 'unchanged';
  await objects.replace({
    ...key,
    metadata: {
      ...key.metadata,
      labels: { ...current.metadata?.labels, ...desired.metadata.labels },
      annotations: { ...current.metadata?.annotations, ...desired.metadata.annotations },
      resourceVersion: existing.metadata?.resourceVersion,
    },
    spec: { ...current.spec, ...desired.spec },
  } as KubernetesObject);
  return 'updated';
}

/**
 * Level-based and idempotent: makes the template's WorkspaceType (`atrium-<org>-<template>` in `root:<org>`,
 * or `atrium-<template>` in `root` for a platform template) match the template row as it is now (created,
 * replaced when it differs, deleted once the template is gone). Safe to re-run after a crash at any point;
 * a lost race with another pass is a conflict that graphile-worker retries.
 */
export async function syncTemplateWorkspaceType(deps: TaskDeps, payload: unknown): Promise<Outcome> {
  const parsed = templateSyncPayload.parse(payload);
  const orgId = parsed.orgId ?? null;
  const loaded = await loadTemplateForWorkspaceType(deps.prisma, { orgId, slug: parsed.slug });
  if (!loaded) return 'org-gone';
  const ref = templateWorkspaceType(loaded.orgSlug, parsed.slug);
  const t = loaded.template;

  if (!t) {
    try {
      await deps.kcp.objects(ref.path).delete({ apiVersion: TENANCY_API_VERSION, kind: 'WorkspaceType', metadata: { name: ref.name } });
      return 'deleted';
    } catch (err) {
      if (isNotFound(err)) return 'absent';
      throw err;
    }
  }

  // An org's types live in its workspace; the provisioning reconciler creates it with the same labels.
  if (orgId && loaded.orgSlug) {
    await deps.kcp.ensureWorkspace('root', { name: loaded.orgSlug, labels: { [ORG_ID_LABEL]: orgId, [MANAGED_BY_LABEL]: MANAGED_BY } });
  }
  return applyWorkspaceType(deps.kcp, ref, desiredWorkspaceType(orgId, t));
}
