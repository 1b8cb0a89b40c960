// The email channel: composing an alert notification's outbox row, rendering it when it is sent, one
// message to one recipient over SMTP (nodemailer, pooled), and what the server's answer means for the
// outbox (accepted / try again / never). Network I/O; every wait is on the Clock.
import nodemailer, { type Mail } from 'nodemailer';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer/lib/smtp-pool';
import type { Logger } from 'pino';
import type { AlertsConfig, Config, SmtpConfig } from '../config/schema.js';
import type { Language, PlannedNotification } from '../core/alerts/types.js';
import type { Gate } from '../core/types.js';
import { isPlainAddress, parseFrom } from '../core/alerts/address.js';
import type { Clock } from '../runtime/clock.js';
import type { OutboxMessage } from '../store/outbox.js';
import type { Notifier, SendOutcome } from '../outbox/notifier.js';
import type { AlertNotice, BuiltChannel, ChannelBuildDeps, ComposedMessage, RenderSettings } from './channel.js';
import { messageIdFor, notificationSubject, renderNotification, type RenderedEmail } from './render/render.js';

/** An email row's payload: where it goes, and what to render when it is sent. */
export interface EmailPayload {
  readonly to: string;
  readonly toName: string;
  /** Planned by the alert pipeline: rendered when sent, as of the moment it was planned. */
  readonly alert?: { readonly language: Language; readonly notification: PlannedNotification; readonly gate: Gate };
  /** Rows written before schema 6 (store/sqlite.ts) were rendered when written. */
  readonly rendered?: RenderedEmail;
}

/** The outbox row for one alert notification to an email recipient. Pure. */
export function composeEmail({ notification, recipient, gate, render }: AlertNotice): ComposedMessage {
  const payload: EmailPayload = { to: recipient.address, toName: recipient.name, alert: { language: recipient.language, notification, gate } };
  return {
    subject: notificationSubject(notification, { site: render.site, language: recipient.language, gate }),
    messageId: messageIdFor(notification.id, render.site),
    payload: JSON.stringify(payload),
  };
}

/** The email channel as alerts.smtp sets it up: the pooled mailer behind the outbox's notifier. */
export function buildEmailChannel(config: Config, alerts: AlertsConfig, deps: ChannelBuildDeps): BuiltChannel | null {
  const smtp = alerts.smtp;
  if (smtp === undefined) return null;
  const clearLogin = plaintextLoginWarning(smtp);
  if (clearLogin !== null) deps.logger.warn(clearLogin);
  const mailer = createSmtpMailer(smtp, config.smtpPassword, deps.clock);
  return {
    notifier: createEmailNotifier(mailer, { render: deps.render, outbox: alerts.outbox, timeoutMs: smtp.timeout }),
    async check(logger: Logger) {
      const where = { smtp: `${smtp.host}:${smtp.port}` };
      const problem = await mailer.verify();
      if (problem) logger.warn({ ...where, problem }, 'the SMTP server cannot be reached or refuses us; alert emails wait in the outbox until it can');
      else logger.info(where, 'SMTP server reachable');
    },
  };
}

/** What the email channel's sends need besides the mailer. */
export interface EmailNotifierOptions {
  readonly render: RenderSettings;
  readonly outbox: AlertsConfig['outbox'];
  /** alerts.smtp.timeout: the mailer gives a send up at this plus a second. */
  readonly timeoutMs: number;
}

/** The email channel for the outbox sender: renders each row and hands it to the mailer. */
export function createEmailNotifier(mailer: Mailer, options: EmailNotifierOptions): Notifier {
  return {
    async send(message) {
      const payload = JSON.parse(message.payload) as EmailPayload;
      const { alert } = payload;
      const email =
        payload.rendered ??
        (alert === undefined
          ? null
          : renderNotification(alert.notification, payload.toName, { ...options.render, language: alert.language, gate: alert.gate, now: alert.notification.at }));
      if (email === null) return { outcome: 'permanent', error: 'the outbox row holds no email to send' };
      return mailer.send({ to: payload.to, toName: payload.toName, ...email, messageId: message.messageId, notificationId: message.id });
    },
    // The mailer's own deadline (timeout + DEADLINE_SLACK_MS) answers first; this is the backstop.
    deadlineMs: () => options.timeoutMs + 2 * DEADLINE_SLACK_MS,
    backoff: { retryInitialMs: options.outbox.retry_initial, retryMaxMs: options.outbox.retry_max },
    results: { sent: 'sent', retry: 'retry', failed: 'failed', expired: 'expired' },
    words: {
      sent: 'email sent',
      retry: 'email not sent; will retry',
      failed: 'email rejected for good; not retrying',
      expired: 'email given up: too old to send',
      abandoned: 'an email was still being sent at shutdown; it stays in the outbox and is sent again after restart',
    },
    logFields: (message: OutboxMessage) => ({ notification: message.id, recipient: message.recipient, messageId: message.messageId }),
    close: async () => mailer.close(),
  };
}

export interface OutgoingEmail {
  readonly to: string;
  readonly toName: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The Message-ID header, deterministic per notification so resent copies are recognisable. */
  readonly messageId: string;
  /** Our outbox id, sent as X-Jaga-Notification. */
  readonly notificationId: string;
}

export interface Mailer {
  /** Never throws and never takes much longer than the SMTP timeout. */
  send(m: OutgoingEmail): Promise<SendOutcome>;
  /** Connects and logs in without sending: null when that works, otherwise why not. */
  verify(): Promise<string | null>;
  close(): void;
}

type PoolTransport = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/** Beyond nodemailer's own per-phase timeouts: the whole send is abandoned at timeout + this. */
const DEADLINE_SLACK_MS = 1_000;

/** What the mailer connects with; whether a login without TLS is allowed was settled by the schema. */
export type SmtpSettings = Omit<SmtpConfig, 'allow_plaintext_auth'>;

/**
 * The warning to log at start when the SMTP login crosses the network as plain text (tls: none with a
 * user, which only alerts.smtp.allow_plaintext_auth lets through); null otherwise.
 */
export function plaintextLoginWarning(smtp: SmtpSettings): string | null {
  if (smtp.user === undefined || smtp.tls !== 'none') return null;
  return `alerts.smtp: the login as ${JSON.stringify(smtp.user)} sends its password as plain text (tls: none, allowed by alerts.smtp.allow_plaintext_auth)`;
}

export function createSmtpMailer(smtp: SmtpSettings, password: string | null, clock: Clock): Mailer {
  const options: SMTPPoolOptions & { pool: true } = {
    pool: true,
    // One connection: messages leave in the order the outbox hands them over.
    maxConnections: 1,
    // Without this the pool silently re-sends a message whose connection closed mid-send, forever;
    // retrying is the outbox's job, with backoff and an attempt count.
    maxRequeues: 0,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    tls: { rejectUnauthorized: smtp.tls_verify },
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: password ?? '' } } : {}),
    connectionTimeout: smtp.timeout,
    greetingTimeout: smtp.timeout,
    socketTimeout: smtp.timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
  const deadlineMs = smtp.timeout + DEADLINE_SLACK_MS;
  const from = parseFrom(smtp.from);
  let transport: PoolTransport = nodemailer.createTransport(options);
  let closed = false;

  // A pool stuck past the deadline is thrown away whole and its sockets cut; the next send starts fresh.
  const recycle = (stuck: PoolTransport) => {
    if (stuck !== transport) return;
    transport = nodemailer.createTransport(options);
    stuck.close();
    destroyPoolSockets(stuck);
  };

  return {
    async send(m) {
      if (closed) return { outcome: 'temporary', error: 'mailer is closed', scope: 'server' };
      if (!isPlainAddress(m.to)) return { outcome: 'permanent', error: `invalid recipient address ${JSON.stringify(m.to)}` };
      const current = transport;
      const sending = current
        .sendMail({
          from,
          // Object form: nodemailer encodes the name itself; nothing is ever parsed out of our strings.
          to: { name: oneLine(m.toName), address: m.to },
          // Said outright: one sender, one recipient, whatever the headers hold.
          envelope: { from: from.address, to: [m.to] },
          subject: oneLine(m.subject),
          text: m.text,
          html: m.html,
          messageId: m.messageId,
          headers: { 'X-Jaga-Notification': oneLine(m.notificationId) },
          disableFileAccess: true,
          disableUrlAccess: true,
        })
        .then(
          (info) => classifyInfo(info),
          (error: unknown) => classifySmtpError(error),
        );
      return clock.within(sending, deadlineMs, () => {
        recycle(current);
        return { outcome: 'temporary', error: `no answer from the SMTP server within ${deadlineMs} ms`, scope: 'server' } as const;
      });
    },

    async verify() {
      if (closed) return 'mailer is closed';
      const current = transport;
      const checking = current.verify().then(
        () => null,
        (error: unknown) => describeError(error),
      );
      return clock.within(checking, deadlineMs, () => {
        recycle(current);
        return `no answer from the SMTP server within ${deadlineMs} ms`;
      });
    },

    close() {
      closed = true;
      transport.close();
      destroyPoolSockets(transport);
    },
  };
}

/**
 * What an SMTP error means for retrying. Permanent only when this message can never go: a 5xx for
 * the recipient (RCPT TO) or for the content (DATA), or an address nodemailer refuses. A 5xx at
 * connect, greeting, STARTTLS, AUTH or MAIL FROM is a configuration problem (wrong password, sender
 * not allowed, TLS required) that an admin will fix, so the message waits; so does everything else.
 */
export function classifySmtpError(error: unknown): SendOutcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorShape;
  const text = describeError(error);
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (e.code === 'EENVELOPE' && e.command === 'RCPT TO') {
    // With one recipient nodemailer throws "all recipients were rejected" carrying that RCPT's code.
    const code = e.rejectedErrors?.[0]?.responseCode ?? responseCode;
    return code !== null && code >= 500 ? { outcome: 'permanent', error: text } : { outcome: 'temporary', error: text, scope: 'recipient' };
  }
  if ((e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.command === 'DATA' && responseCode !== null && responseCode >= 500) {
    return { outcome: 'permanent', error: text };
  }
  if (e.code === 'EENVELOPE' && e.command === 'API' && /recipient/i.test(String(e.message))) {
    return { outcome: 'permanent', error: text };
  }
  if (e.code === 'EMESSAGE' && /size/i.test(String(e.message))) return { outcome: 'permanent', error: text };
  return { outcome: 'temporary', error: text, scope: 'server' };
}

interface SmtpErrorShape {
  message?: unknown;
  code?: unknown;
  command?: unknown;
  responseCode?: unknown;
  rejectedErrors?: { responseCode?: number }[];
}

function classifyInfo(info: SMTPPoolSentMessageInfo): SendOutcome {
  // One recipient per message: it is either the one accepted or the one rejected.
  if (info.accepted.length > 0) return { outcome: 'accepted', response: info.response };
  const rejected = info.rejectedErrors?.[0];
  if (rejected) return classifySmtpError(rejected);
  return { outcome: 'temporary', error: `server accepted no recipient: ${info.response}`, scope: 'server' };
}

/** "EENVELOPE RCPT TO: <message>" — code and command first, so logs and the outbox say where it failed. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & SmtpErrorShape;
  const where = [typeof e.code === 'string' ? e.code : null, typeof e.command === 'string' ? e.command : null].filter((s) => s !== null);
  return where.length > 0 ? `${where.join(' ')}: ${e.message}` : e.message;
}

/** Control characters (CR and LF above all) become spaces: a header value stays one header. */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * nodemailer's pool close() leaves a busy connection open until its own timeouts fire; a server that
 * stalls could hold it much longer. This reaches into the pool (internal fields, so every step is
 * guarded) and destroys the sockets.
 */
function destroyPoolSockets(transport: PoolTransport): void {
  const pool = transport.transporter as unknown as { _connections?: unknown };
  const resources = Array.isArray(pool._connections) ? (pool._connections as unknown[]) : [];
  for (const resource of resources) {
    const connection = (resource as { connection?: { _socket?: { destroy?: unknown } } } | null)?.connection;
    const socket = connection?._socket;
    if (socket && typeof socket.destroy === 'function') (socket.destroy as () => void).call(socket);
  }
}
