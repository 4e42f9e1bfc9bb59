import { isAppError } from '@atrium/core';
import { redirect } from 'next/navigation';
import { z } from 'zod';

/** A list page's own query: the search and the cursor (anything malformed is dropped, not an error page). */
export const ZListQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  cursor: z.string().max(400).optional().catch(undefined),
});

/**
 * A page read with a cursor from the address bar: a stale or edited one
 * (BAD_REQUEST from the repository) sends the reader to `firstPage` instead
 * of an error page.
 */
export async function orFirstPage<T>(read: Promise<T>, firstPage: string): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (isAppError(e) && e.code === 'BAD_REQUEST') redirect(firstPage);
    throw e;
  }
}
