import type { MemberRole } from '../../generated/prisma/enums.js';
import type { DbOrTx } from '../shared.js';

export interface UserOrganization {
  id: string;
  slug: string;
  name: string;
  role: MemberRole;
  createdAt: Date;
}

export async function listUserOrganizations(db: DbOrTx, o: { userId: string; orgId?: string | undefined }): Promise<UserOrganization[]> {
  const rows = await db.membership.findMany({
    where: { userId: o.userId, ...(o.orgId ? { orgId: o.orgId } : {}) },
    include: { org: true },
    orderBy: { org: { name: 'asc' } },
  });
  return rows.map((m) => ({ id: m.org.id, slug: m.org.slug, name: m.org.name, role: m.role, createdAt: m.org.createdAt }));
}
