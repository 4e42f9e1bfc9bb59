'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';

export interface AlertNotice {
  id: string;
  message: string;
  thresholdPercent: number;
  createdAt: string;
}

const STORAGE_KEY = 'atrium.seenBudgetAlerts';

function seenIds(): Set<string> {
  try {
    return new Set(JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

/**
 * The in-console notice of budget alerts: the crossings still current that this browser has
 * not dismissed yet. Mail is the durable channel; this is the reminder, on every org page for
 * admins and on the cost pages for everyone else who reads cost.
 */
export function CostAlertsNotice({ alerts, costHref }: { alerts: AlertNotice[]; costHref?: string }) {
  // Rendered after mount only: what was dismissed lives in this browser.
  const [seen, setSeen] = useState<Set<string> | null>(null);
  useEffect(() => setSeen(seenIds()), []);
  if (seen === null) return null;
  const unseen = alerts.filter((a) => !seen.has(a.id));
  if (unseen.length === 0) return null;

  function dismiss() {
    const next = new Set([...seenIds(), ...unseen.map((a) => a.id)]);
    // Only ids still listed matter; the cap keeps the entry small.
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify([...next].slice(-200)));
    setSeen(next);
  }

  const worst = Math.max(...unseen.map((a) => a.thresholdPercent));
  return (
    <div className={`alert ${worst >= 100 ? 'error' : 'warn'}`} role="status" data-testid="budget-alert-notice" style={{ marginBottom: '1rem' }}>
      <div className="row between" style={{ alignItems: 'flex-start' }}>
        <div>
          <strong>Budget alert{unseen.length === 1 ? '' : 's'}</strong>
          {costHref ? (
            <>
              {' '}
              · <Link href={costHref}>see cost</Link>
            </>
          ) : null}
          <ul className="small" style={{ margin: '0.25rem 0 0', paddingLeft: '1.1rem' }}>
            {unseen.map((a) => (
              <li key={a.id}>
                {a.message} <span className="muted">· {new Date(a.createdAt).toISOString().replace('T', ' ').slice(0, 16)} UTC</span>
              </li>
            ))}
          </ul>
        </div>
        <button type="button" className="small" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
