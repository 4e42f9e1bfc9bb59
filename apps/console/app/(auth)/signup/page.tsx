import type { Metadata } from 'next';
import Link from 'next/link';
import { SignUpForm } from '../../../src/components/auth-forms';

export const metadata: Metadata = { title: 'Create an account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  return (
    <div className="card">
      <h1>Create your Atrium account</h1>
      <p className="muted">
        Already have one? <Link href="/signin">Sign in</Link>
      </p>
      <SignUpForm {...(sp.next ? { next: sp.next } : {})} />
    </div>
  );
}
