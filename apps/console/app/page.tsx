import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getViewer, getViewerOrgs } from '../src/server/page-context';

export default async function Home() {
  const viewer = await getViewer();
  if (viewer) {
    const orgs = await getViewerOrgs(viewer.id);
    redirect(orgs.length === 1 && orgs[0] ? `/o/${orgs[0].slug}` : '/orgs');
  }
  return (
    <>
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" /> Atrium
        </span>
        <span className="spacer" />
        <nav aria-label="Account">
          <Link href="/signin">Sign in</Link>
        </nav>
      </header>
      <main id="content" className="page-medium">
        <h1>Your own Kubernetes cluster in seconds</h1>
        <p className="muted">
          Atrium gives every team a logical cluster at the cost of a namespace, while the organisation keeps control of APIs, policy, regions and spend.
        </p>
        <div className="row">
          <Link className="button primary" href="/signup">
            Create an account
          </Link>
          <Link className="button" href="/signin">
            Sign in
          </Link>
        </div>
      </main>
    </>
  );
}
