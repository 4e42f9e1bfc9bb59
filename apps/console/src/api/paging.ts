import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@atrium/db';
import { z } from 'zod';

/**
 * Query parameters of the paginated lists. The cursor is checked where it is
 * decoded (packages/db), so a tampered or foreign one is a 400 naming the cursor.
 */
export const ZPageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `rows per page (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE})` }),
  cursor: z.string().optional().meta({ description: 'nextCursor or prevCursor of a previous page, as returned' }),
});

export const ZSearch = z.string().trim().max(100).optional();

export const ZPageCursors = {
  nextCursor: z.string().nullable().meta({ description: 'the next page; null on the last one' }),
  prevCursor: z.string().nullable().meta({ description: 'the page before; null on the first one' }),
};
