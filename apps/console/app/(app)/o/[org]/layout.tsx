import { listCurrentBudgetAlerts } from '@atrium/db';
import type { ReactNode } from 'react';
import { toBudgetAlertDto } from '../../../../src/api/routes/cost/list-budget-alerts';
import { CostAlertsNotice } from '../../../../src/components/cost-alerts-notice';
import { type NavItem, OrgNav } from '../../../../src/components/org-nav';
import { db } from '../../../../src/server/db';
import { requireOrgPage } from '../../../../src/server/page-context';

export default async function OrgLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  const base = `/o/${ctx.org.slug}`;
  // The navigation shows only what the role may open; the pages and the API check again.
  const items: NavItem[] = [
    { href: base, label: 'Overview' },
    ...(ctx.can('cluster:read') ? [{ href: `${base}/clusters`, label: 'Clusters' }] : []),
    { href: `${base}/teams`, label: 'Teams' },
    ...(ctx.can('cost:read') ? [{ href: `${base}/cost`, label: 'Cost' }] : []),
    ...(ctx.can('template:read') ? [{ href: `${base}/templates`, label: 'Templates' }] : []),
    ...(ctx.can('member:read') ? [{ href: `${base}/members`, label: 'Members', section: 'Administration' }] : []),
    ...(ctx.can('invitation:read') ? [{ href: `${base}/invitations`, label: 'Invitations', section: 'Administration' }] : []),
    ...(ctx.can('audit:read') ? [{ href: `${base}/audit`, label: 'Audit log', section: 'Administration' }] : []),
    { href: `${base}/settings/tokens`, label: 'API tokens', section: 'Settings' },
  ];
  // Budget crossings reach admins on every org page (besides the mail) until they dismiss them.
  const alerts = ctx.can('budget:write') ? (await listCurrentBudgetAlerts(db(), { orgId: ctx.org.id })).map(toBudgetAlertDto) : [];
  return (
    <div className="shell">
      <OrgNav items={items} />
      <main id="content" className="main">
        <CostAlertsNotice alerts={alerts} costHref={`${base}/cost`} />
        {children}
      </main>
    </div>
  );
}
