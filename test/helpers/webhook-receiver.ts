// A webhook receiver on 127.0.0.1 (node:http) for gate-action tests: records every request, answers
// a chosen status (or never), and can be closed and listen again on the same port. Loopback network I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import { freePort } from './servers.js';

export interface ReceivedHook {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** The status answered; 'hang' reads the request and never answers. */
  answer: number | 'hang' = 200;
  private server: http.Server | undefined;

  private constructor(readonly port: number) {}

  /** Listens on a fresh port. */
  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(await freePort());
    await receiver.listen();
    return receiver;
  }

  /** Knows its port but does not listen yet: a receiver that is down. */
  static async down(): Promise<WebhookReceiver> {
    return new WebhookReceiver(await freePort());
  }

  url(path = '/hooks/jaga'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests that answered 2xx would be counted by the sender as delivered. */
  bodies(): unknown[] {
    return this.received.map((r) => JSON.parse(r.body) as unknown);
  }

  async listen(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (this.answer === 'hang') return;
        res.writeHead(this.answer, { 'content-type': 'text/plain' }).end(this.answer < 300 ? 'ok' : 'not now');
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
}

/** Checks x-jaga-signature the way a receiver would: HMAC-SHA256 of `${x-jaga-timestamp}.${body}`. */
export function signatureValid(secret: string, hook: ReceivedHook): boolean {
  const timestamp = hook.headers['x-jaga-timestamp'];
  const signature = hook.headers['x-jaga-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(timestamp)) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${hook.body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
