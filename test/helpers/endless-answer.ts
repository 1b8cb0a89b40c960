// A hostile HTTP server on 127.0.0.1 that answers every request with a chosen status and a body that
// never ends (or a huge one, announced by content-length), counting the bytes it got out. For tests
// that jaga reads a bounded amount of other servers' answers. Loopback network I/O.
import { once } from 'node:events';
import http from 'node:http';
import type net from 'node:net';

const CHUNK = Buffer.alloc(64 * 1024, 'x');

export interface EndlessAnswerOptions {
  readonly status: number;
  readonly contentType?: string;
  /** Written first, so a reader sees a plausible start ("{" of JSON, an error text). */
  readonly prefix?: string;
  /** Announce this many bytes with content-length instead of sending chunked without end. */
  readonly announcedBytes?: number;
}

export class EndlessAnswer {
  /** Bytes the server handed to the kernel, over all connections; the reader cannot have read more. */
  sentBytes = 0;
  requests = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(options: EndlessAnswerOptions): Promise<EndlessAnswer> {
    const server = http.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const answer = new EndlessAnswer(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => {
      answer.sockets.add(socket);
      socket.on('close', () => answer.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      answer.requests += 1;
      req.resume();
      const headers: http.OutgoingHttpHeaders = { 'content-type': options.contentType ?? 'text/plain' };
      if (options.announcedBytes !== undefined) headers['content-length'] = options.announcedBytes;
      res.writeHead(options.status, headers);
      let left = options.announcedBytes ?? Number.POSITIVE_INFINITY;
      const write = (chunk: Buffer): boolean => {
        answer.sentBytes += chunk.length;
        left -= chunk.length;
        return res.write(chunk);
      };
      // Writes while the socket takes it, then waits for it to drain: a reader that stops reading
      // stops the server, so sentBytes shows how much the reader took in (plus kernel buffers).
      const pump = (): void => {
        while (left > 0 && !res.destroyed) {
          if (!write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left))) {
            res.once('drain', pump);
            return;
          }
        }
        if (left <= 0) res.end();
      };
      if (options.prefix !== undefined) write(Buffer.from(options.prefix));
      pump();
    });
    return answer;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Connections still open: a reader that gave up on the answer has closed its own. */
  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
