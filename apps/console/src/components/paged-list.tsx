import Link from 'next/link';
import type { ReactNode } from 'react';

/**
 * The console's long lists (members, invitations, audit): a table, a search
 * box and keyset page links. Server-safe (no hooks), so pages render the
 * first page on the server and a list's client component reuses the table.
 * Row actions live in `use-row-actions.ts`.
 */

export interface Column<T> {
  header: string;
  /** For a column without a visible header (actions). */
  ariaLabel?: string;
  className?: string;
  cell(row: T): ReactNode;
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowTestId,
  empty,
}: {
  rows: T[];
  columns: Array<Column<T> | null | false>;
  rowKey(row: T): string;
  rowTestId?(row: T): string;
  empty: ReactNode;
}) {
  const cols = columns.filter((c): c is Column<T> => !!c);
  if (rows.length === 0) return <div className="empty">{empty}</div>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {cols.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per table
              <th key={i} aria-label={c.ariaLabel}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} data-testid={rowTestId?.(r)}>
              {cols.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per table
                <td key={i} className={c.className}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `path?params` with `changes` applied; empty and undefined values are left out. */
export function pageHref(path: string, params: Record<string, string | undefined>, changes: Record<string, string | undefined> = {}): string {
  const merged = { ...params, ...changes };
  const qs = new URLSearchParams(Object.entries(merged).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * Previous / next links of a keyset-paged list. `params` is the page's current
 * query (filters, search, cursor); only the cursor changes between pages.
 */
export function Pager({
  path,
  params,
  prevCursor,
  nextCursor,
  shown,
  noun,
}: {
  path: string;
  params: Record<string, string | undefined>;
  prevCursor: string | null;
  nextCursor: string | null;
  shown: number;
  noun: string;
}) {
  const onFirst = !params.cursor;
  if (onFirst && !nextCursor) return null;
  return (
    <nav className="row between" aria-label={`Pages of ${noun}`} style={{ marginTop: '0.75rem' }}>
      <span className="row">
        {prevCursor ? <Link href={pageHref(path, params, { cursor: prevCursor })}>← Previous</Link> : null}
        {!onFirst && !prevCursor ? <Link href={pageHref(path, params, { cursor: undefined })}>← First page</Link> : null}
      </span>
      <span className="small muted">
        {shown} {noun} on this page
      </span>
      <span>{nextCursor ? <Link href={pageHref(path, params, { cursor: nextCursor })}>Next page →</Link> : null}</span>
    </nav>
  );
}

/** A GET search form: submitting starts again at the first page of the matches. */
export function ListSearch({
  path,
  params,
  label,
  placeholder,
}: {
  path: string;
  /** The page's query; `q` is the search, and `cursor` is dropped on a new search. */
  params: Record<string, string | undefined>;
  label: string;
  placeholder?: string;
}) {
  const keep = Object.entries(params).filter((e): e is [string, string] => e[0] !== 'q' && e[0] !== 'cursor' && typeof e[1] === 'string' && e[1] !== '');
  return (
    <search>
      <form method="get" action={path} className="row" style={{ marginBottom: '0.75rem' }}>
        {keep.map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label htmlFor="list-q" className="small muted">
          {label}
        </label>
        <input id="list-q" name="q" type="search" defaultValue={params.q ?? ''} placeholder={placeholder} style={{ width: 'auto', minWidth: '16rem' }} />
        <button type="submit">Search</button>
        {params.q ? <Link href={pageHref(path, params, { q: undefined, cursor: undefined })}>Clear</Link> : null}
      </form>
    </search>
  );
}
