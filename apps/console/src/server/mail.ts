import { createLogger, env } from '@atrium/config';
import nodemailer, { type Transporter } from 'nodemailer';
import { publicBaseUrl } from './config.js';

const log = createLogger('console-mail');
let transport: Transporter | undefined;

function transporter(): Transporter {
  const e = env();
  // Plain SMTP to the configured relay (maildev locally); a production relay
  // would add auth and TLS through the same variables.
  transport ??= nodemailer.createTransport({ host: e.ATRIUM_SMTP_HOST, port: e.ATRIUM_SMTP_PORT, secure: false, ignoreTLS: true, connectionTimeout: 5000 });
  return transport;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

interface Mail {
  to: string;
  subject: string;
  intro: string;
  action: { label: string; url: string };
  outro: string;
}

async function send(m: Mail): Promise<void> {
  const text = `${m.intro}\n\n${m.action.label}: ${m.action.url}\n\n${m.outro}\n\n— Atrium`;
  const html = `<div style="font-family:system-ui,sans-serif;max-width:520px;margin:auto;color:#1b1f24">
<p>${escapeHtml(m.intro)}</p>
<p><a href="${escapeHtml(m.action.url)}" style="display:inline-block;background:#3b5bdb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(m.action.label)}</a></p>
<p style="font-size:13px;color:#5b6472">Or open this link: <a href="${escapeHtml(m.action.url)}">${escapeHtml(m.action.url)}</a></p>
<p style="font-size:13px;color:#5b6472">${escapeHtml(m.outro)}</p></div>`;
  await transporter().sendMail({ from: env().ATRIUM_MAIL_FROM, to: m.to, subject: m.subject, text, html });
  log.info({ subject: m.subject }, 'mail sent');
}

export async function sendVerificationMail(to: string, token: string): Promise<void> {
  await send({
    to,
    subject: 'Verify your email for Atrium',
    intro: 'Welcome to Atrium. Confirm that this is your address to start creating organisations and clusters.',
    action: { label: 'Verify email', url: `${publicBaseUrl()}/verify-email?token=${encodeURIComponent(token)}` },
    outro: 'The link works once and expires in 24 hours. If you did not sign up, ignore this mail.',
  });
}

export async function sendPasswordResetMail(to: string, token: string): Promise<void> {
  await send({
    to,
    subject: 'Reset your Atrium password',
    intro: 'Someone (hopefully you) asked to reset the password of your Atrium account.',
    action: { label: 'Choose a new password', url: `${publicBaseUrl()}/reset-password?token=${encodeURIComponent(token)}` },
    outro: 'The link works once and expires in 1 hour. If you did not ask for this, ignore this mail: your password stays the same.',
  });
}

export async function sendInvitationMail(to: string, o: { orgName: string; inviterEmail: string; role: string; token: string }): Promise<void> {
  await send({
    to,
    subject: `You are invited to ${o.orgName} on Atrium`,
    intro: `${o.inviterEmail} invited you to join ${o.orgName} on Atrium as ${o.role}.`,
    action: { label: 'Accept invitation', url: `${publicBaseUrl()}/invite?token=${encodeURIComponent(o.token)}` },
    outro: 'The link works once and expires in 7 days.',
  });
}
