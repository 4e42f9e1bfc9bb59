import type { DbOrTx } from '../shared.js';

/** graphile-worker task that writes one template to the backend as a WorkspaceType. */
export const SYNC_TEMPLATE_WORKSPACE_TYPE_TASK = 'template-workspace-type-sync';

/**
 * Enqueues the WorkspaceType sync of a template inside the caller's transaction (create, update and
 * delete all call it; `orgId` null = a platform template): the job carries only the template's identity
 * and the task reads the current row, so many edits collapse into one job (job key) and the last state wins.
 */
export async function enqueueTemplateWorkspaceTypeSync(tx: DbOrTx, o: { orgId: string | null; slug: string }): Promise<void> {
  await tx.$executeRaw`select graphile_worker.add_job(
    ${SYNC_TEMPLATE_WORKSPACE_TYPE_TASK}::text,
    json_build_object('orgId', ${o.orgId}::text, 'slug', ${o.slug}::text),
    job_key := ${`tpl:${o.orgId ?? 'platform'}:${o.slug}`}::text,
    max_attempts := 25
  )`;
}

/** The template fields a WorkspaceType is made from. */
export interface WorkspaceTypeTemplate {
  id: string;
  slug: string;
  name: string;
  apiSets: string[];
  allowedRegions: string[];
  podSecurity: string;
  /** Changes whenever the row does: lets the worker remember which version it already wrote. */
  updatedAt: Date;
}

export interface TemplateForWorkspaceType {
  /** Null for a platform template (its type lives in `root`). */
  orgSlug: string | null;
  /** Null once the template is deleted: the WorkspaceType goes too. */
  template: WorkspaceTypeTemplate | null;
}

const select = { id: true, slug: true, name: true, apiSets: true, allowedRegions: true, podSecurity: true, updatedAt: true } as const;

/** What the sync task needs, by org id (null: platform) and slug; undefined when the org itself is gone. */
export async function loadTemplateForWorkspaceType(db: DbOrTx, o: { orgId: string | null; slug: string }): Promise<TemplateForWorkspaceType | undefined> {
  let orgSlug: string | null = null;
  if (o.orgId !== null) {
    const org = await db.organization.findUnique({ where: { id: o.orgId }, select: { slug: true } });
    if (!org) return undefined;
    orgSlug = org.slug;
  }
  const template = await db.clusterTemplate.findFirst({ where: { orgId: o.orgId, slug: o.slug }, select });
  return { orgSlug, template };
}
