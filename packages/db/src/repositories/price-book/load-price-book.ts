import { type PriceBook, priceBookAt } from '@atrium/core';
import type { DbOrTx } from '../shared.js';
import { entryFromRow } from './price-book-row.js';

/**
 * The price book in force for an org at an instant: the platform's entries and the org's own,
 * resolved by core's `priceBookAt` (org overrides win; the latest entry up to `at` per subject).
 * Pass a past `at` to reprice history exactly.
 */
export async function loadPriceBook(db: DbOrTx, o: { orgId: string; at: Date }): Promise<PriceBook> {
  const rows = await db.priceBookEntry.findMany({
    where: { OR: [{ orgId: null }, { orgId: o.orgId }], effectiveFrom: { lte: o.at } },
    orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }],
  });
  return priceBookAt(rows.map(entryFromRow), o.orgId, o.at);
}
