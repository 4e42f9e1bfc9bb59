import type { Metadata } from 'next';
import Link from 'next/link';
import { ResendVerificationButton, VerifyEmail } from '../../../src/components/auth-forms';
import { getViewer } from '../../../src/server/page-context';

export const metadata: Metadata = { title: 'Verify your email' };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  if (sp.token) {
    return (
      <div className="card">
        <h1>Verify your email</h1>
        <VerifyEmail token={sp.token} />
      </div>
    );
  }
  const viewer = await getViewer();
  return (
    <div className="card">
      <h1>Check your inbox</h1>
      {viewer?.emailVerified ? (
        <p>
          {viewer.email} is already verified. <Link href="/orgs">Continue to the console</Link>.
        </p>
      ) : (
        <>
          <p>
            We sent a verification link to <strong>{viewer?.email ?? 'your address'}</strong>. Open it to finish setting up your account; until then you can
            look around but not create organisations or clusters.
          </p>
          {viewer ? (
            <p className="row">
              <ResendVerificationButton />
              <Link href="/orgs">Continue to the console</Link>
            </p>
          ) : (
            <p>
              <Link href="/signin">Sign in</Link>
            </p>
          )}
        </>
      )}
    </div>
  );
}
