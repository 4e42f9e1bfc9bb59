import { env } from '@atrium/config';
import type { Metadata } from 'next';
import Link from 'next/link';
import { OAuthButtons, SignInForm } from '../../../src/components/auth-forms';
import { OAUTH_ERROR_NO_VERIFIED_EMAIL, oauthButtons } from '../../../src/server/oauth-providers';

export const metadata: Metadata = { title: 'Sign in' };

// next-auth's error codes for the OAuth round trip, in words. Unknown codes
// keep the existing behaviour (credential errors carry their own message).
const OAUTH_ERRORS: Record<string, string> = {
  [OAUTH_ERROR_NO_VERIFIED_EMAIL]: 'Your account at that provider has no verified email address. Verify one there, or sign in with your password.',
  OAuthSignin: 'Could not start signing in with that provider. Try again.',
  OAuthCallback: 'Signing in with that provider did not complete. Try again.',
  AccessDenied: 'Sign-in was cancelled or refused.',
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const notice = sp.reset
    ? 'Your password was changed. Sign in with the new one.'
    : sp.error && sp.error !== 'CredentialsSignin'
      ? (OAUTH_ERRORS[sp.error] ?? sp.error)
      : undefined;
  return (
    <div className="card">
      <h1>Sign in to Atrium</h1>
      <p className="muted">
        New here? <Link href={`/signup${sp.next ? `?next=${encodeURIComponent(sp.next)}` : ''}`}>Create an account</Link>
      </p>
      <SignInForm next={sp.next} notice={notice} />
      <OAuthButtons providers={oauthButtons(env())} next={sp.next} />
    </div>
  );
}
