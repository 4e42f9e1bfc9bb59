import Link from 'next/link';
import type { ReactNode } from 'react';

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="row between" style={{ marginBottom: '1rem', alignItems: 'flex-start' }}>
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {actions ? <div className="row">{actions}</div> : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

/** What a role sees instead of a page it may not open. */
export function Forbidden({ what, role, orgSlug }: { what: string; role: string; orgSlug: string }) {
  return (
    <div className="card" role="alert" data-testid="forbidden">
      <h1>You don’t have access to {what}</h1>
      <p className="muted">
        Your role in this organisation is <span className={`badge ${role}`}>{role}</span>. Ask an owner or admin if you need access.
      </p>
      <Link href={`/o/${orgSlug}`}>Back to the overview</Link>
    </div>
  );
}

export function RoleBadge({ role }: { role: string }) {
  return <span className={`badge ${role}`}>{role}</span>;
}

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const date = typeof d === 'string' ? new Date(d) : d;
  return `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
