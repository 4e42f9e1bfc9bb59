import type { Metadata } from 'next';
import { CreateOrgForm } from '../../../../src/components/org-forms';
import { requireViewer } from '../../../../src/server/page-context';

export const metadata: Metadata = { title: 'New organisation' };

export default async function NewOrgPage() {
  const viewer = await requireViewer('/orgs/new');
  return (
    <main id="content" className="page-narrow">
      <div className="card">
        <h1>Create an organisation</h1>
        <p className="muted">An organisation is where your teams, clusters, policies and bills live. You will be its owner.</p>
        {viewer.emailVerified ? (
          <CreateOrgForm />
        ) : (
          <div className="alert warn" role="alert">
            Verify your email address first: open the link we sent to {viewer.email}.
          </div>
        )}
      </div>
    </main>
  );
}
