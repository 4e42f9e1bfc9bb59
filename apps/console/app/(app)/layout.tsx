import Link from 'next/link';
import type { ReactNode } from 'react';
import { ResendVerificationButton, SignOutButton } from '../../src/components/auth-forms';
import { OrgSwitcher } from '../../src/components/org-switcher';
import { getViewerOrgs, requireViewer } from '../../src/server/page-context';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer('/orgs');
  const orgs = await getViewerOrgs(viewer.id);
  return (
    <>
      <header className="topbar">
        <Link href="/orgs" className="brand">
          <span className="brand-mark" aria-hidden="true" /> <span className="hide-narrow">Atrium</span>
        </Link>
        <OrgSwitcher orgs={orgs.map((o) => ({ slug: o.slug, name: o.name }))} />
        <span className="spacer" />
        <nav aria-label="Account">
          <Link href="/account" className="hide-narrow" title="Account settings">
            {viewer.email}
          </Link>
          <SignOutButton />
        </nav>
      </header>
      {!viewer.emailVerified ? (
        <div className="alert warn" style={{ margin: 0, borderRadius: 0 }} role="status" data-testid="verify-banner">
          Verify your email address ({viewer.email}) to create organisations and clusters. <ResendVerificationButton />
        </div>
      ) : null}
      {children}
    </>
  );
}
