import type { Metadata } from 'next';
import { ChangePasswordForm } from '../../../src/components/auth-forms';
import { PageHeader } from '../../../src/components/page-bits';
import { requireViewer } from '../../../src/server/page-context';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const viewer = await requireViewer('/account');
  return (
    <main id="content" className="page-medium">
      <PageHeader title="Account" description={`${viewer.name ?? ''} ${viewer.name ? '·' : ''} ${viewer.email}`} />
      <div className="card">
        <h2>Change password</h2>
        <ChangePasswordForm email={viewer.email} />
      </div>
    </main>
  );
}
