// A fake central server on 127.0.0.1, plain HTTP or HTTPS, answering each path from a table the test
// changes at will (503 with "ok", wrong bodies, redirects), with a certificate it can swap. Loopback I/O.
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import type { KeyPair } from './certs.js';

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const OK: Answer = { status: 200, body: 'ok' };

export interface CentralOptions {
  /** Serve HTTPS with this certificate; plain HTTP without it. */
  readonly tls?: KeyPair;
  /** The answer of paths not in the table. */
  readonly fallback?: Answer;
}

export class FakeHttpsCentral {
  private readonly answers = new Map<string, Answer>();
  private readonly sockets = new Set<net.Socket>();
  /** Requests seen per path (a request is counted once its head has arrived). */
  readonly requests = new Map<string, number>();
  /** TCP connections accepted (for TLS: before the handshake). */
  connections = 0;

  private constructor(
    private readonly server: net.Server | tls.Server,
    private readonly fallback: Answer,
  ) {}

  static async start(options: CentralOptions = {}): Promise<FakeHttpsCentral> {
    let central: FakeHttpsCentral | undefined;
    const onSocket = (socket: net.Socket) => central?.accept(socket);
    const server = options.tls
      ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onSocket)
      : net.createServer(onSocket);
    central = new FakeHttpsCentral(server, options.fallback ?? OK);
    // Handshakes that the client aborts (it rejected our certificate) are expected here.
    server.on('tlsClientError', () => undefined);
    server.on('connection', () => (central.connections += 1));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return central;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `http(s)://127.0.0.1:<port><path>`, or through `via` (a proxy's "host:port") instead. */
  url(path = '/', via?: string): string {
    const scheme = this.server instanceof tls.Server ? 'https' : 'http';
    return `${scheme}://${via ?? `127.0.0.1:${this.port}`}${path}`;
  }

  /** What `path` answers from now on; `undefined` puts the fallback back. */
  answer(path: string, answer: Answer | undefined): void {
    if (answer === undefined) this.answers.delete(path);
    else this.answers.set(path, answer);
  }

  /** The exact response bytes for `path` now, split into head and body. */
  response(path: string): { head: string; body: string } {
    const { status, body, headers = {} } = this.answers.get(path) ?? this.fallback;
    const lines = [
      `HTTP/1.1 ${status} ${status < 400 ? 'OK' : 'Error'}`,
      'content-type: text/plain',
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    return { head: `${lines.join('\r\n')}\r\n\r\n`, body };
  }

  /** New TLS handshakes present this certificate (expired, self-signed, wrong name...). */
  setCertificate(pair: KeyPair): void {
    if (!(this.server instanceof tls.Server)) throw new Error('not an HTTPS central');
    this.server.setSecureContext({ key: pair.key, cert: pair.cert });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return;
      const path = /^[A-Z]+ (\S+) HTTP/.exec(seen)?.[1] ?? '/';
      seen = '';
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      const { head, body } = this.response(path);
      socket.end(head + body);
    });
  }
}
