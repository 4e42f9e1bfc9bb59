import { AppError } from '@atrium/core';

/**
 * Keyset pagination over (createdAt, id), shared by the console's long lists.
 * Never OFFSET: a page costs the same however deep it is, and rows inserted or
 * removed meanwhile never make a page repeat or skip a row. `id` breaks
 * createdAt ties (bulk inserts share a timestamp), so the key is unique.
 *
 * A cursor is opaque to clients: base64url of the key of the row it points
 * past, the list it belongs to and its direction. `nextCursor` continues
 * after the page's last row; `prevCursor` reads the page before its first row.
 */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageRequest {
  limit?: number | undefined;
  cursor?: string | null | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

type Dir = 'asc' | 'desc';
type KeyId = string | bigint;

interface Cursor<Id extends KeyId> {
  at: Date;
  id: Id;
  backward: boolean;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STRING_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BIGINT_ID = /^\d{1,19}$/;

function badCursor(): AppError {
  return new AppError('BAD_REQUEST', 'The cursor is not valid for this list: pass back nextCursor or prevCursor exactly as a previous page returned it.');
}

function encode(list: string, at: Date, id: KeyId, backward: boolean): string {
  return Buffer.from(JSON.stringify({ l: list, t: at.toISOString(), i: id.toString(), ...(backward ? { b: 1 } : {}) })).toString('base64url');
}

function decode<Id extends KeyId>(list: string, cursor: string, idKind: 'string' | 'bigint'): Cursor<Id> {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const c = raw as { l?: unknown; t?: unknown; i?: unknown; b?: unknown };
  if (typeof raw !== 'object' || raw === null || c.l !== list || typeof c.t !== 'string' || typeof c.i !== 'string') throw badCursor();
  if (!ISO_MS.test(c.t) || Number.isNaN(Date.parse(c.t))) throw badCursor();
  if (!(idKind === 'bigint' ? BIGINT_ID : STRING_ID).test(c.i)) throw badCursor();
  if (c.b !== undefined && c.b !== 1) throw badCursor();
  return { at: new Date(c.t), id: (idKind === 'bigint' ? BigInt(c.i) : c.i) as Id, backward: c.b === 1 };
}

export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(Math.trunc(limit), 1), MAX_PAGE_SIZE);
}

export interface Keyset<Id extends KeyId> {
  /** AND this into the list's where (empty without a cursor). */
  where: {
    createdAt?: { gte: Date } | { lte: Date };
    OR?: Array<{ createdAt: { gt: Date } | { lt: Date } } | { id: { gt: Id } | { lt: Id } }>;
  };
  orderBy: [{ createdAt: Dir }, { id: Dir }];
  /** One more than the page, to learn whether another page follows. */
  take: number;
  /** The fetched rows → the page in list order, with its cursors. */
  page<T extends { createdAt: Date; id: Id }>(rows: T[]): Page<T>;
}

/**
 * The query parts for one page of `list`, read in `order` (the list's own
 * order; a "previous" cursor reads the other way and turns the rows back).
 * The redundant `createdAt >= key` bound lets Postgres start the index scan
 * at the key instead of filtering every earlier row of the org.
 */
export function keyset<Id extends KeyId>(list: string, order: Dir, req: PageRequest, idKind: Id extends bigint ? 'bigint' : 'string'): Keyset<Id> {
  const limit = pageSize(req.limit);
  const cursor = req.cursor ? decode<Id>(list, req.cursor, idKind) : null;
  const backward = cursor?.backward ?? false;
  const readDir: Dir = backward ? (order === 'asc' ? 'desc' : 'asc') : order;
  let where: Keyset<Id>['where'] = {};
  if (cursor) {
    where =
      readDir === 'asc'
        ? { createdAt: { gte: cursor.at }, OR: [{ createdAt: { gt: cursor.at } }, { id: { gt: cursor.id } }] }
        : { createdAt: { lte: cursor.at }, OR: [{ createdAt: { lt: cursor.at } }, { id: { lt: cursor.id } }] };
  }
  return {
    where,
    orderBy: [{ createdAt: readDir }, { id: readDir }],
    take: limit + 1,
    page(rows) {
      const more = rows.length > limit;
      const items = rows.slice(0, limit);
      if (backward) items.reverse();
      const first = items[0];
      const last = items[items.length - 1];
      const after = last ? encode(list, last.createdAt, last.id, false) : null;
      const before = first ? encode(list, first.createdAt, first.id, true) : null;
      if (backward) return { items, nextCursor: after, prevCursor: more ? before : null };
      return { items, nextCursor: more ? after : null, prevCursor: cursor ? before : null };
    },
  };
}

/** Escapes LIKE wildcards so a search for "a_b" or "50%" matches those characters literally. */
export function likeLiteral(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}
