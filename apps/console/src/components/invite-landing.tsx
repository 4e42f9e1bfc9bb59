'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { ApiError, api } from './api-client';
import { SignUpForm } from './auth-forms';
import { FormError } from './form';

interface Offer {
  orgName: string;
  orgSlug: string;
  email: string;
  role: string;
  expiresAt: string;
  accountExists: boolean;
}

export function InviteLanding({ token, viewer }: { token: string; viewer: { email: string } | null }) {
  const router = useRouter();
  const offer = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<Offer>('/invitations/lookup', { method: 'POST', body: { token } }),
    retry: false,
  });
  const accept = useMutation({
    mutationFn: () => api<{ orgSlug: string }>('/invitations/accept', { method: 'POST', body: { token } }),
    onSuccess: (r) => {
      router.replace(`/o/${r.orgSlug}`);
      router.refresh();
    },
  });
  const here = `/invite?token=${encodeURIComponent(token)}`;

  if (offer.isPending) return <div className="card">Loading the invitation…</div>;
  if (offer.error) {
    return (
      <div className="card">
        <h1>Invitation</h1>
        <div className="alert error" role="alert">
          {offer.error instanceof ApiError ? offer.error.message : 'This invitation could not be loaded.'}
        </div>
        <Link href="/">Go to Atrium</Link>
      </div>
    );
  }
  const o = offer.data;
  const wrongAccount = viewer && viewer.email.toLowerCase() !== o.email.toLowerCase();
  return (
    <div className="card">
      <h1>Join {o.orgName}</h1>
      <p>
        You are invited to <strong>{o.orgName}</strong> as <span className={`badge ${o.role}`}>{o.role}</span>. The invitation is for <strong>{o.email}</strong>
        .
      </p>
      {viewer && !wrongAccount ? (
        <>
          <FormError error={accept.error instanceof ApiError ? accept.error : null} />
          <button type="button" className="primary" disabled={accept.isPending} onClick={() => accept.mutate()}>
            Accept and join {o.orgName}
          </button>
        </>
      ) : wrongAccount ? (
        <div className="alert warn">
          You are signed in as {viewer.email}.{' '}
          <button type="button" className="link" onClick={() => signOut({ callbackUrl: here })}>
            Sign out
          </button>{' '}
          and continue as {o.email}.
        </div>
      ) : o.accountExists ? (
        <p>
          <Link className="button primary" href={`/signin?next=${encodeURIComponent(here)}`}>
            Sign in as {o.email} to accept
          </Link>
        </p>
      ) : (
        <>
          <p className="muted">Create your account to join. Your address is verified by this invitation.</p>
          <SignUpForm invitationToken={token} invitedEmail={o.email} />
        </>
      )}
    </div>
  );
}
