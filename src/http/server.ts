// The HTTP server around the express app: how long a client may take (headers, whole request, idle
// keep-alive), how often those bounds are enforced, the app's fast path first (plain gate reads), and the
// answer to requests that never reach express (malformed, headers too large, too slow): JSON with the
// security headers. Network I/O. These bounds are Node's own socket timers, not the Clock's: they guard
// real sockets, which run on real time even when a test runs jaga on a fake clock.
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type express from 'express';
import { fastPathOf, SECURITY_HEADERS } from './app.js';

export interface ServerLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /**
   * How often Node looks for requests past their timeouts. Its default, 30 s, would let a slow client
   * hold a socket for up to 30 s beyond the bounds above.
   */
  readonly checkEveryMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000, checkEveryMs: 1_000 };

/** Node's parser errors as HTTP answers; anything else malformed is a 400. */
const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'request headers are limited to 16 KiB'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'body_too_large', 'chunk extensions too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request did not arrive in time'],
};

/** Like Node's own clientError answer, but in JSON and with the headers every answer carries. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && inFlight?.headersSent !== true && error.code !== 'ECONNRESET') {
    const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'bad_request', 'malformed HTTP request'];
    const body = JSON.stringify({ error: code, message });
    const headers = Object.entries({ ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' });
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`);
  }
  socket.destroy();
}

export function createHttpServer(app: express.Express, limits: ServerLimits = DEFAULT_SERVER_LIMITS): Server {
  const fast = fastPathOf(app);
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    (req, res) => {
      let answered = false;
      try {
        answered = fast(req, res);
      } catch {
        // Never a crash from the fast path: express answers instead, or the socket goes.
        if (res.headersSent) res.destroy();
        answered = res.headersSent;
      }
      if (!answered) app(req, res);
    },
  );
  server.on('clientError', answerClientError);
  return server;
}
