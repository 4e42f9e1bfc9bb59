import type { PriceBookEntry } from '@atrium/core';
import type { DbOrTx } from '../shared.js';
import { entryToRow } from './price-book-row.js';

/**
 * Appends versioned entries (the platform operator's tool and the seed). Entries are never
 * edited: a changed price is a new entry with a later `effectiveFrom`. An entry that already
 * exists for the same scope, subject and instant is left as it is, so re-running is harmless.
 * Returns how many were written.
 */
export async function addPriceBookEntries(db: DbOrTx, entries: readonly PriceBookEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const { count } = await db.priceBookEntry.createMany({ data: entries.map(entryToRow), skipDuplicates: true });
  return count;
}
