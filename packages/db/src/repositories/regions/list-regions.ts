import type { DbOrTx } from '../shared.js';

export interface RegionRow {
  slug: string;
  displayName: string;
}

/** Regions registered on the platform (not tenant data: every org sees the same list). */
export async function listRegions(db: DbOrTx): Promise<RegionRow[]> {
  return db.region.findMany({ select: { slug: true, displayName: true }, orderBy: { slug: 'asc' } });
}
