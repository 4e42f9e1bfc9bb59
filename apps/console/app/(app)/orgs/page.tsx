import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState, PageHeader, RoleBadge } from '../../../src/components/page-bits';
import { getViewerOrgs, requireViewer } from '../../../src/server/page-context';

export const metadata: Metadata = { title: 'Organisations' };

export default async function OrgsPage() {
  const viewer = await requireViewer('/orgs');
  const orgs = await getViewerOrgs(viewer.id);
  return (
    <main id="content" className="page-medium">
      <PageHeader
        title="Your organisations"
        actions={
          viewer.emailVerified ? (
            <Link className="button primary" href="/orgs/new">
              New organisation
            </Link>
          ) : null
        }
      />
      {orgs.length === 0 ? (
        <EmptyState title="You are not in any organisation yet">
          <p>
            {viewer.emailVerified ? (
              <>
                <Link href="/orgs/new">Create one</Link>, or ask a colleague to invite you.
              </>
            ) : (
              'Verify your email first (see the banner above), then create one — or ask a colleague to invite you.'
            )}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Organisation</th>
                <th>Slug</th>
                <th>Your role</th>
              </tr>
            </thead>
            <tbody>
              {orgs.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link href={`/o/${o.slug}`}>{o.name}</Link>
                  </td>
                  <td className="mono">{o.slug}</td>
                  <td>
                    <RoleBadge role={o.role} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
