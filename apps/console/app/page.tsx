import Link from 'next/link';

export default function Home() {
  return (
    <main id="content" className="page-medium">
      <h1>Atrium</h1>
      <p className="muted">Your own Kubernetes cluster in seconds, under your organisation&apos;s policy and budget.</p>
      <div className="row">
        <Link className="button primary" href="/signup">
          Create an account
        </Link>
        <Link className="button" href="/signin">
          Sign in
        </Link>
      </div>
    </main>
  );
}
