'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { signIn, signOut } from 'next-auth/react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from './api-client';
import { Field, FormError, useApiForm } from './form';

/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeNext(next: string | null | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

async function credentialsSignIn(email: string, password: string): Promise<void> {
  const res = await signIn('credentials', { email, password, redirect: false });
  if (!res || res.error) {
    const message = !res || res.error === 'CredentialsSignin' ? 'Wrong email or password.' : (res.error ?? 'Sign-in failed.');
    throw new ApiError(401, 'UNAUTHENTICATED', message);
  }
}

export function SignInForm({ next, notice }: { next?: string | undefined; notice?: string | undefined }) {
  const router = useRouter();
  const form = useApiForm(
    (v) => credentialsSignIn(v.email ?? '', v.password ?? ''),
    () => {
      router.replace(safeNext(next));
      router.refresh();
    },
  );
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Sign in">
      {notice ? <div className="alert info">{notice}</div> : null}
      <FormError error={form.error} />
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <div className="row between">
        <button className="primary" type="submit" disabled={form.pending}>
          {form.pending ? 'Signing in…' : 'Sign in'}
        </button>
        <Link href="/reset-password">Forgot your password?</Link>
      </div>
    </form>
  );
}

/**
 * One button per configured OAuth/OIDC provider (the server decides which;
 * none by default). next-auth's `signIn(id)` posts its CSRF token and follows
 * the provider's authorize redirect.
 */
export function OAuthButtons({ providers, next }: { providers: Array<{ id: string; name: string }>; next?: string | undefined }) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  return (
    <div className="stack">
      <p className="muted">or</p>
      {providers.map((p) => (
        <button
          key={p.id}
          type="button"
          disabled={pending !== null}
          onClick={() => {
            setPending(p.id);
            void signIn(p.id, { callbackUrl: safeNext(next) });
          }}
        >
          {pending === p.id ? `Redirecting to ${p.name}…` : `Continue with ${p.name}`}
        </button>
      ))}
    </div>
  );
}

export function SignUpForm({ invitationToken, invitedEmail, next }: { invitationToken?: string; invitedEmail?: string; next?: string }) {
  const router = useRouter();
  const form = useApiForm(
    async (v) => {
      const res = await api<{ joinedOrgSlug: string | null }>('/account/signup', {
        method: 'POST',
        body: { name: v.name, email: v.email, password: v.password, ...(invitationToken ? { invitationToken } : {}) },
      });
      await credentialsSignIn(v.email ?? '', v.password ?? '');
      return res;
    },
    (res) => {
      router.replace(res.joinedOrgSlug ? `/o/${res.joinedOrgSlug}` : next ? safeNext(next) : '/verify-email?sent=1');
      router.refresh();
    },
  );
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Sign up">
      <FormError error={form.error} />
      <Field label="Your name" name="name" autoComplete="name" required maxLength={100} errors={form.fields.name} autoFocus />
      <Field
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        required
        errors={form.fields.email}
        {...(invitedEmail ? { defaultValue: invitedEmail, readOnly: true, hint: 'The address this invitation was sent to.' } : {})}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        errors={form.fields.password}
        hint="At least 10 characters. A passphrase of a few words works well."
      />
      <button className="primary" type="submit" disabled={form.pending}>
        {form.pending ? 'Creating your account…' : 'Create account'}
      </button>
    </form>
  );
}

export function VerifyEmail({ token }: { token: string }) {
  const [state, setState] = useState<{ kind: 'working' } | { kind: 'done'; email: string } | { kind: 'failed'; message: string }>({ kind: 'working' });
  const started = useRef(false);
  useEffect(() => {
    // Verification consumes the link, so it runs once, from the page script:
    // mail scanners that only fetch the URL do not use it up.
    if (started.current) return;
    started.current = true;
    api<{ email: string }>('/account/verify-email', { method: 'POST', body: { token } })
      .then((r) => setState({ kind: 'done', email: r.email }))
      .catch((e: unknown) => setState({ kind: 'failed', message: e instanceof ApiError ? e.message : 'Verification failed.' }));
  }, [token]);
  if (state.kind === 'working') return <p aria-live="polite">Verifying your email…</p>;
  if (state.kind === 'failed') {
    return (
      <div>
        <div className="alert error" role="alert">
          {state.message}
        </div>
        <p>
          Signed in? Open <Link href="/orgs">your organisations</Link> and use “Resend the link”.
        </p>
      </div>
    );
  }
  return (
    <div>
      <div className="alert ok" role="status">
        {state.email} is verified.
      </div>
      <Link className="button primary" href="/orgs/new">
        Create an organisation
      </Link>{' '}
      <Link className="button" href="/orgs">
        Go to the console
      </Link>
    </div>
  );
}

export function ResendVerificationButton() {
  const [msg, setMsg] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        className="small"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const r = await api<{ sentTo: string }>('/account/resend-verification', { method: 'POST' });
            setMsg(`A new link is on its way to ${r.sentTo}.`);
          } catch (e) {
            setMsg(e instanceof ApiError ? e.message : 'Could not send the link.');
          } finally {
            setBusy(false);
          }
        }}
      >
        Resend the link
      </button>
      {msg ? <span role="status"> {msg}</span> : null}
    </>
  );
}

export function RequestResetForm() {
  const form = useApiForm((v) => api<{ message: string }>('/account/password-reset', { method: 'POST', body: { email: v.email } }));
  if (form.data) return <div className="alert ok">{form.data.message}</div>;
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Reset password">
      <FormError error={form.error} />
      <Field label="Email" name="email" type="email" autoComplete="email" required errors={form.fields.email} autoFocus />
      <button className="primary" type="submit" disabled={form.pending}>
        {form.pending ? 'Sending…' : 'Mail me a reset link'}
      </button>
    </form>
  );
}

export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const form = useApiForm(
    (v) => {
      if (v.password !== v.confirm) throw new ApiError(422, 'VALIDATION_FAILED', 'The passwords do not match.', { confirm: ['Type the same password twice.'] });
      return api<{ email: string }>('/account/password-reset/confirm', { method: 'POST', body: { token, password: v.password } });
    },
    () => router.replace('/signin?reset=1'),
  );
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Choose a new password">
      <FormError error={form.error} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={10} errors={form.fields.password} autoFocus />
      <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required errors={form.fields.confirm} />
      <button className="primary" type="submit" disabled={form.pending}>
        Set new password
      </button>
    </form>
  );
}

export function ChangePasswordForm({ email }: { email: string }) {
  const form = useApiForm(async (v) => {
    if (v.newPassword !== v.confirm)
      throw new ApiError(422, 'VALIDATION_FAILED', 'The new passwords do not match.', { confirm: ['Type the same password twice.'] });
    await api('/account/password', { method: 'POST', body: { currentPassword: v.currentPassword, newPassword: v.newPassword } });
    // Changing the password ends every session, this one included: sign in again with the new one.
    await credentialsSignIn(email, v.newPassword ?? '');
    return true;
  });
  return (
    <form onSubmit={form.onSubmit} noValidate aria-label="Change password">
      {form.succeeded ? (
        <div className="alert ok" role="status">
          Password changed. Other browsers were signed out.
        </div>
      ) : null}
      <FormError error={form.error} />
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={form.fields.currentPassword} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={10} errors={form.fields.newPassword} />
      <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required errors={form.fields.confirm} />
      <button className="primary" type="submit" disabled={form.pending}>
        Change password
      </button>
    </form>
  );
}

export function SignOutButton() {
  return (
    <button type="button" className="small" onClick={() => signOut({ callbackUrl: '/signin' })}>
      Sign out
    </button>
  );
}
