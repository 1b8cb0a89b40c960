// HTTP below fetch, for what fetch will not send: exact bytes on a socket (unnormalised paths, broken
// requests, chunked bodies, slow-loris drips) and requests with a chosen Host header. Loopback I/O only,
// every socket bounded in time.
import { request } from 'node:http';
import net from 'node:net';

export interface RawAnswer {
  /** 0 when nothing came back. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** From the first byte sent to the socket's close (or to `waitMs`). */
  readonly closedAfterMs: number;
  readonly closedByServer: boolean;
}

function parseAnswer(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: end === -1 ? '' : text.slice(end + 4) };
}

export interface RawOptions {
  /** Give up (and close from our side) after this long. */
  readonly waitMs?: number;
  /** Written after the first bytes, one every `dripEveryMs`, until the server closes. */
  readonly drip?: string;
  readonly dripEveryMs?: number;
}

/** Sends `bytes` on a fresh connection and reads until the server closes it or `waitMs` passes. */
export function rawExchange(port: number, bytes: string | Buffer, options: RawOptions = {}): Promise<RawAnswer> {
  const { waitMs = 5_000, drip, dripEveryMs = 1_000 } = options;
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let started = 0;
    let closedByServer = false;
    let dripper: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => socket.destroy(), waitMs);
    socket.on('connect', () => {
      started = performance.now();
      socket.write(bytes, () => undefined);
      if (drip !== undefined) dripper = setInterval(() => socket.write(drip, () => undefined), dripEveryMs);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => (closedByServer = true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') closedByServer = true;
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(dripper);
      const answer = parseAnswer(Buffer.concat(chunks).toString('latin1'));
      resolve({ ...answer, closedAfterMs: performance.now() - started, closedByServer });
    });
  });
}

/** One request line and headers, as a client would write them; `path` goes out exactly as given. */
export function requestBytes(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A request through node:http: the path is not normalised and the Host header is ours to choose. */
export function httpRequest(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false, signal: AbortSignal.timeout(5_000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
