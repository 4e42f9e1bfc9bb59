import type { Metadata } from 'next';
import Link from 'next/link';
import { RequestResetForm, ResetPasswordForm } from '../../../src/components/auth-forms';

export const metadata: Metadata = { title: 'Reset your password' };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  return (
    <div className="card">
      <h1>{sp.token ? 'Choose a new password' : 'Reset your password'}</h1>
      {sp.token ? (
        <ResetPasswordForm token={sp.token} />
      ) : (
        <>
          <p className="muted">We will mail you a link to choose a new password.</p>
          <RequestResetForm />
        </>
      )}
      <p className="small" style={{ marginTop: '1rem' }}>
        <Link href="/signin">Back to sign in</Link>
      </p>
    </div>
  );
}
