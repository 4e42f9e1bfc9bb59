import type { Metadata } from 'next';
import { InviteLanding } from '../../../src/components/invite-landing';
import { getViewer } from '../../../src/server/page-context';

export const metadata: Metadata = { title: 'Invitation' };

export default async function InvitePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const viewer = await getViewer();
  if (!sp.token) {
    return (
      <div className="card">
        <h1>Invitation</h1>
        <div className="alert error">This invitation link is incomplete. Open the link from the mail again.</div>
      </div>
    );
  }
  return <InviteLanding token={sp.token} viewer={viewer ? { email: viewer.email } : null} />;
}
