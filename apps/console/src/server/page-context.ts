import { can, type Permission, type Role } from '@atrium/core';
import { findOrgMembership, listUserOrganizations, type Membership, type Organization, type UserOrganization } from '@atrium/db';
import { cookies } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { db } from './db.js';
import { type SessionUser, sessionUserFromCookieHeader } from './session.js';

/** The signed-in user of this request, or null (memoised per request). */
export const getViewer = cache(async (): Promise<SessionUser | null> => {
  const jar = await cookies();
  const header = jar
    .getAll()
    .map((c) => `${c.name}=${encodeURIComponent(c.value)}`)
    .join('; ');
  return sessionUserFromCookieHeader(header);
});

export async function requireViewer(returnTo: string): Promise<SessionUser> {
  const viewer = await getViewer();
  if (!viewer) redirect(`/signin?next=${encodeURIComponent(returnTo)}`);
  return viewer;
}

export const getViewerOrgs = cache(async (userId: string): Promise<UserOrganization[]> => listUserOrganizations(db(), { userId }));

export interface OrgPageContext {
  viewer: SessionUser;
  org: Organization;
  membership: Membership;
  role: Role;
  can(permission: Permission): boolean;
}

/**
 * The org of an `/o/<slug>` page with the viewer's membership. Unknown orgs
 * and orgs the viewer does not belong to are the same 404.
 */
export const requireOrgPage = cache(async (slug: string): Promise<OrgPageContext> => {
  const viewer = await requireViewer(`/o/${slug}`);
  const found = await findOrgMembership(db(), { slug, userId: viewer.id });
  if (!found) notFound();
  const role = found.membership.role;
  return { viewer, org: found.org, membership: found.membership, role, can: (p) => can(role, p) };
});
