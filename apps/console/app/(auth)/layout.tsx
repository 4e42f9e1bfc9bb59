import Link from 'next/link';
import type { ReactNode } from 'react';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true" /> Atrium
        </Link>
      </header>
      <main id="content" className="page-narrow">
        {children}
      </main>
    </>
  );
}
