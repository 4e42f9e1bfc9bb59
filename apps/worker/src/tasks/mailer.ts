import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * Plain SMTP to the configured relay (maildev under `npm start`), as the console sends its
 * mail; a production relay would add auth and TLS through the same settings.
 */
export function smtpMailer(o: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({ host: o.host, port: o.port, secure: false, ignoreTLS: true, connectionTimeout: 5000 });
  return {
    async send(mail) {
      await transport.sendMail({ from: o.from, ...mail });
    },
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
