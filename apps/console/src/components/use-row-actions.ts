'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError } from './api-client';

/**
 * One row action at a time in a list: which row is busy, the last error, and a
 * server refresh afterwards so the page re-renders the same page of rows.
 */
export function useRowActions() {
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  async function run(rowId: string, fn: () => Promise<unknown>, fallback = 'Something went wrong.') {
    setBusy(rowId);
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', fallback));
    } finally {
      setBusy(null);
    }
  }
  return { error, busy, run };
}
