import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Providers } from '../src/components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Atrium', template: '%s · Atrium' },
  description: 'Self-service logical Kubernetes clusters under policy and cost control.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
