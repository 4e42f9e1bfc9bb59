import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInForm } from '../../../src/components/auth-forms';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const notice = sp.reset ? 'Your password was changed. Sign in with the new one.' : sp.error && sp.error !== 'CredentialsSignin' ? sp.error : undefined;
  return (
    <div className="card">
      <h1>Sign in to Atrium</h1>
      <p className="muted">
        New here? <Link href={`/signup${sp.next ? `?next=${encodeURIComponent(sp.next)}` : ''}`}>Create an account</Link>
      </p>
      <SignInForm next={sp.next} notice={notice} />
    </div>
  );
}
