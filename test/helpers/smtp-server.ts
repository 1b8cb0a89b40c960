// A real SMTP server on loopback for mail tests (smtp-server + mailparser) that records messages and
// connections, restarts on the same port, rejects recipients or stalls on demand. Does network I/O.
import { once } from 'node:events';
import net from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { KeyPair } from './certs.js';
import { waitFor } from './wait.js';

export interface ReceivedMail {
  /** Message-ID header as parsed, with its angle brackets ("<id@host>"). */
  readonly messageId: string | undefined;
  /** SMTP envelope: MAIL FROM and every RCPT TO the server accepted. */
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  /** The To header's addresses and display names. */
  readonly to: readonly { readonly address: string; readonly name: string }[];
  readonly subject: string | undefined;
  readonly text: string | undefined;
  readonly html: string | undefined;
  /** Parsed headers by lower-case name (mailparser's values). */
  readonly headers: ReadonlyMap<string, unknown>;
  /** The message exactly as received (CRLF line ends). */
  readonly raw: string;
  /** Whether the session had been upgraded with STARTTLS. */
  readonly secure: boolean;
}

export interface TestSmtpOptions {
  /** Offer STARTTLS with this certificate; without it STARTTLS is disabled (plain SMTP only). */
  readonly tls?: KeyPair;
  /** Offer AUTH (also over plain connections) and accept exactly these user -> password pairs. */
  readonly users?: Readonly<Record<string, string>>;
}

export type ServerMode = 'up' | 'stopped' | 'stall-greeting' | 'unavailable';

export interface TestSmtpServer {
  readonly host: string;
  /** Fixed for the server's life: start() after stop() listens on the same port. */
  readonly port: number;
  readonly mode: ServerMode;
  /** Messages fully received and answered 250, in arrival order. */
  readonly received: readonly ReceivedMail[];
  /** TCP connections accepted in any mode (stalling listener included). */
  readonly connections: number;
  /** Messages whose DATA reached the server, answered or not (stalled ones count). */
  readonly dataStarted: number;
  /** Messages read to the end while DATA was stalled, never answered, in arrival order. */
  readonly stalled: readonly ReceivedMail[];
  /**
   * Calls `listener` when a message has been read to the end, before it is answered (e.g. to SIGKILL
   * the sender in the window where the server has the message and the sender does not know it yet).
   */
  onDataReceived(listener: (mail: ReceivedMail) => void): void;
  /** Answer RCPT TO for this address with `code` (4xx: try later, 5xx: never) until cleared. */
  rejectRecipient(address: string, code: 450 | 550): void;
  clearRejections(): void;
  /** While on, DATA is read to the end but never answered. */
  stallData(on: boolean): void;
  /** Closes the listener and cuts every open connection: clients now get ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listens again (same port) as a normal SMTP server. */
  start(): Promise<void>;
  /** Accepts TCP connections on the port but never sends the greeting. start() ends it. */
  stallGreeting(): Promise<void>;
  /** Down for maintenance: accepts, answers "421" and hangs up (each attempt counts in `connections`). start() ends it. */
  refuseService(): Promise<void>;
  /** Resolves once `predicate` holds; rejects after `deadlineMs` naming `what`. */
  waitFor(predicate: () => boolean, deadlineMs: number, what?: string): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts a test SMTP server on an ephemeral loopback port. */
export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const stalled: ReceivedMail[] = [];
  const dataListeners: ((mail: ReceivedMail) => void)[] = [];
  const rejections = new Map<string, 450 | 550>();
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let dataStarted = 0;
  let stallingData = false;
  let mode: ServerMode = 'stopped';
  let port = 0;
  let smtp: SMTPServer | null = null;
  let raw: net.Server | null = null;

  const track = (socket: net.Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };

  const serverOptions = (): SMTPServerOptions => ({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 100,
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.users ? [] : ['AUTH'])],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    onAuth(auth, _session, callback) {
      const ok = auth.username !== undefined && options.users?.[auth.username] === auth.password;
      if (ok) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const code = rejections.get(address.address.toLowerCase());
      if (code === undefined) return callback();
      const text = code >= 500 ? 'Mailbox unavailable' : 'Mailbox busy, try again later';
      callback(Object.assign(new Error(text), { responseCode: code }));
    },
    onData(stream, session, callback) {
      dataStarted += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const stall = stallingData; // the client waits for an answer that never comes
        const source = Buffer.concat(chunks);
        simpleParser(source)
          .then((mail) => {
            const got: ReceivedMail = {
              messageId: mail.messageId,
              envelopeFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              to: addresses(mail.to),
              subject: mail.subject,
              text: mail.text,
              html: mail.html === false ? undefined : mail.html,
              headers: mail.headers,
              raw: source.toString('utf8'),
              secure: session.secure,
            };
            (stall ? stalled : received).push(got);
            for (const listener of dataListeners) listener(got);
            if (!stall) callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });

  const cutConnections = () => {
    for (const socket of sockets) socket.destroy();
  };

  const closeCurrent = async () => {
    const current = smtp ?? raw;
    const closing = current ? new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : raw?.close(() => resolve()))) : null;
    // After close() stops accepting: cut what is open so close completes now, not at closeTimeout.
    cutConnections();
    await closing;
    smtp = null;
    raw = null;
    mode = 'stopped';
  };

  const listen = async (server: net.Server) => {
    server.listen(port, HOST);
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
  };

  const start = async () => {
    await closeCurrent();
    const server = new SMTPServer(serverOptions());
    server.server.on('connection', track);
    // A client cut off mid-session makes smtp-server emit 'error'; it is expected here.
    server.on('error', () => undefined);
    smtp = server;
    await listen(server.server);
    mode = 'up';
  };

  await start();

  return {
    host: HOST,
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    received,
    get connections() {
      return connections;
    },
    get dataStarted() {
      return dataStarted;
    },
    stalled,
    onDataReceived(listener) {
      dataListeners.push(listener);
    },
    rejectRecipient(address, code) {
      rejections.set(address.toLowerCase(), code);
    },
    clearRejections() {
      rejections.clear();
    },
    stallData(on) {
      stallingData = on;
    },
    stop: closeCurrent,
    start,
    async stallGreeting() {
      await closeCurrent();
      const server = net.createServer(track); // accepts, then says nothing
      raw = server;
      await listen(server);
      mode = 'stall-greeting';
    },
    async refuseService() {
      await closeCurrent();
      const server = net.createServer((socket) => {
        track(socket);
        socket.end('421 smtp.test Service not available, closing transmission channel\r\n');
      });
      raw = server;
      await listen(server);
      mode = 'unavailable';
    },
    waitFor,
    close: closeCurrent,
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  if (field === undefined) return [];
  return (Array.isArray(field) ? field : [field]).flatMap((group) =>
    group.value.map((a) => ({ address: a.address ?? '', name: a.name })),
  );
}
