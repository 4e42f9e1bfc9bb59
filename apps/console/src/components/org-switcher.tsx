'use client';

import { useParams, useRouter } from 'next/navigation';

export function OrgSwitcher({ orgs }: { orgs: Array<{ slug: string; name: string }> }) {
  const router = useRouter();
  const params = useParams<{ org?: string }>();
  if (orgs.length === 0) return null;
  return (
    <label className="row" style={{ margin: 0, fontWeight: 400 }}>
      <span className="sr-only hide-narrow muted small">Organisation</span>
      <select
        aria-label="Switch organisation"
        value={params.org ?? ''}
        onChange={(e) => router.push(e.target.value ? `/o/${e.target.value}` : '/orgs')}
        style={{ width: 'auto', minWidth: '10rem' }}
      >
        {!params.org ? <option value="">Choose an organisation…</option> : null}
        {orgs.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
