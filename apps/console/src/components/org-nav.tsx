'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavItem {
  href: string;
  label: string;
  section?: string;
}

export function OrgNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  let lastSection: string | undefined;
  return (
    <nav className="sidebar" aria-label="Organisation">
      <ul>
        {items.map((item) => {
          const header = item.section && item.section !== lastSection ? item.section : null;
          lastSection = item.section ?? lastSection;
          const current = pathname === item.href;
          return (
            <li key={item.href}>
              {header ? <div className="section">{header}</div> : null}
              <Link href={item.href} aria-current={current ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
