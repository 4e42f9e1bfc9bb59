import { expect } from '@playwright/test';

/**
 * Reads the mail catcher (maildev's REST API at E2E_MAIL_API) the way a
 * person reads their inbox: the newest message to an address, and the first
 * link in it that points at the console.
 */
interface CaughtMail {
  id: string;
  subject: string;
  text?: string;
  html?: string;
  to: Array<{ address: string }>;
  time: string;
}

function mailApi(): string {
  const base = process.env.E2E_MAIL_API;
  if (!base) throw new Error('E2E_MAIL_API is not set: run the specs through e2e/playwright.config.ts');
  return base.replace(/\/+$/, '');
}

export async function waitForMail(to: string, subject: RegExp, timeoutMs = 15_000): Promise<CaughtMail> {
  let found: CaughtMail | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${mailApi()}/email`);
        const all = (await res.json()) as CaughtMail[];
        found = all
          .filter((m) => m.to.some((t) => t.address.toLowerCase() === to.toLowerCase()) && subject.test(m.subject))
          .sort((a, b) => b.time.localeCompare(a.time))[0];
        return !!found;
      },
      { timeout: timeoutMs, message: `a mail to ${to} matching ${subject}` },
    )
    .toBe(true);
  return found!;
}

export function linkIn(mail: CaughtMail, path: string): string {
  const text = `${mail.text ?? ''}\n${mail.html ?? ''}`;
  const match = text.match(new RegExp(`https?://[^\\s"'<>]+${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[^\\s"'<>]*`));
  if (!match) throw new Error(`no ${path} link in mail "${mail.subject}":\n${text}`);
  return match[0].replaceAll('&amp;', '&');
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}@example.test`;
}
