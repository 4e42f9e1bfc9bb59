import { listAuditEvents } from '@atrium/db';
import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { EmptyState, Forbidden, formatDate, PageHeader } from '../../../../../src/components/page-bits';
import { Pager, pageHref } from '../../../../../src/components/paged-list';
import { db } from '../../../../../src/server/db';
import { orFirstPage } from '../../../../../src/server/list-query';
import { requireOrgPage } from '../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'Audit log' };

const ZFilters = z.object({
  action: z.string().max(60).optional().catch(undefined),
  actor: z.string().max(254).optional().catch(undefined),
  targetType: z.enum(['org', 'member', 'invitation', 'team', 'token']).optional().catch(undefined),
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  cursor: z.string().max(400).optional().catch(undefined),
});

const ACTIONS = ['org.', 'member.', 'invitation.', 'team.', 'token.'];

function summary(v: unknown): string {
  if (v == null) return '';
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
    .join(', ');
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  if (!ctx.can('audit:read')) return <Forbidden what="the audit log" role={ctx.role} orgSlug={ctx.org.slug} />;
  const f = ZFilters.parse(Object.fromEntries(Object.entries(await searchParams).filter(([, v]) => v !== '')));
  const path = `/o/${ctx.org.slug}/audit`;
  // A stale or edited cursor: the same filters from the newest event.
  const page = await orFirstPage(
    listAuditEvents(db(), {
      orgId: ctx.org.id,
      action: f.action,
      actor: f.actor,
      targetType: f.targetType,
      from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
      to: f.to ? new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
      cursor: f.cursor,
      limit: 50,
    }),
    pageHref(path, { ...f, cursor: undefined }),
  );
  return (
    <>
      <PageHeader title="Audit log" description="Every administrative change: who did it, to what, when, and what it was before and after." />
      <form className="card" method="get" aria-label="Filter the audit log">
        <div className="grid-2">
          <div className="field">
            <label htmlFor="f-action">Action</label>
            <select id="f-action" name="action" defaultValue={f.action ?? ''}>
              <option value="">Any</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}*
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-actor">Actor email contains</label>
            <input id="f-actor" name="actor" type="search" defaultValue={f.actor ?? ''} />
          </div>
          <div className="field">
            <label htmlFor="f-from">From</label>
            <input id="f-from" name="from" type="date" defaultValue={f.from ?? ''} />
          </div>
          <div className="field">
            <label htmlFor="f-to">To</label>
            <input id="f-to" name="to" type="date" defaultValue={f.to ?? ''} />
          </div>
        </div>
        <div className="row">
          <button className="primary" type="submit">
            Filter
          </button>
          <Link href={path}>Clear</Link>
        </div>
      </form>
      {page.events.length === 0 ? (
        <EmptyState title="No events match">Try wider filters.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>Before → after</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((e) => (
                <tr key={e.id.toString()}>
                  <td className="small muted">{formatDate(e.createdAt)}</td>
                  <td className="small">
                    {e.actorEmail ?? '—'}
                    {e.actorTokenId ? <div className="muted">via API token</div> : null}
                  </td>
                  <td className="mono">{e.action}</td>
                  <td className="small">
                    {e.targetType} <span className="mono muted">{e.targetId.slice(0, 12)}</span>
                  </td>
                  <td className="small">
                    {e.before ? <div className="muted">{summary(e.before)}</div> : null}
                    {e.after ? <div>{summary(e.after)}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager path={path} params={f} prevCursor={page.prevCursor} nextCursor={page.nextCursor} shown={page.events.length} noun="events" />
    </>
  );
}
