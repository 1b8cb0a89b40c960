// Probes one HTTP(S) URL over a fresh connection per probe, timing dns/connect/tls/first_byte/transfer
// itself, then checks status and body. Does network I/O.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import net from 'node:net';
import type { buildConnector } from 'undici';
import type { HttpTargetConfig } from '../config/schema.js';
import {
  classifyNetworkError,
  describeError,
  measureProbe,
  since,
  type Cancellation,
  type ProbeTrace,
  type TargetProber,
  type Verdict,
} from './probe.js';
import { connectTcp, ipLiteral, resolveHost, settleOn } from './tcp.js';
import { Client, originAndPath, request } from '../runtime/undici-parts.js';
import { drainAtMost, readAtMost, type BoundedBody } from '../runtime/bounded-body.js';

/** Enough for any health document; a probe must not download a file. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export const probeHttp: TargetProber<HttpTargetConfig> = (target, ctx) =>
  measureProbe(ctx, target.max_latency, async (cancellation, trace) => {
    let client: Client | undefined;
    try {
      const url = parsedUrl(target);
      let requestSentAt = 0;
      const connect: buildConnector.connector = (_options, callback) => {
        void openSocket(url, target, cancellation, trace).then(
          (socket) => {
            requestSentAt = performance.now();
            trace.stage = 'first_byte';
            callback(null, socket);
          },
          (error: Error) => callback(error, null),
        );
      };
      // A pooled keep-alive socket would hide an outage, so every probe dials anew and closes.
      const fresh = new Client(url.origin, {
        connect,
        pipelining: 1,
        headersTimeout: ctx.timeoutMs,
        bodyTimeout: ctx.timeoutMs,
      });
      client = fresh;
      // Timeout or outer abort: tear the connection down now, not when undici gets round to it.
      cancellation.onCancel((reason) => void fresh.destroy(reason).catch(() => undefined));
      return await exchange(fresh, url, target, trace, () => requestSentAt);
    } catch (error) {
      return { ok: false, failure: failureFor(error, trace), detail: describeError(error) };
    } finally {
      // Not awaited: closing our own socket must not eat into the probe's time.
      if (client !== undefined && !client.destroyed) void client.destroy(PROBE_OVER).catch(() => undefined);
    }
  });

/**
 * Closes a finished probe's connection. One error for all: destroy() without one makes a new error,
 * and the socket reads its stack, which was a tenth of a probe's CPU.
 */
const PROBE_OVER = new Error('probe over: connection closed by jaga');

interface ParsedUrl {
  readonly origin: string;
  readonly https: boolean;
  readonly host: string;
  /** The host when it is an IP address: nothing to resolve. */
  readonly address: string | null;
  readonly port: number;
  /** Path and query, as sent in the request line. */
  readonly path: string;
}

/** Parsed once per target config: the URL never changes while jaga runs. */
const parsedUrls = new WeakMap<HttpTargetConfig, ParsedUrl>();

function parsedUrl(target: HttpTargetConfig): ParsedUrl {
  let parsed = parsedUrls.get(target);
  if (parsed === undefined) {
    const url = new URL(target.url);
    const https = url.protocol === 'https:';
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    parsed = {
      ...originAndPath(url),
      https,
      host,
      address: ipLiteral(host),
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    };
    parsedUrls.set(target, parsed);
  }
  return parsed;
}

async function exchange(
  client: Client,
  url: ParsedUrl,
  target: HttpTargetConfig,
  trace: ProbeTrace,
  requestSentAt: () => number,
): Promise<Verdict> {
  const response = await request({
    origin: url.origin,
    path: url.path,
    method: target.method,
    // No `reset: true` (connection: close): undici would then close the socket through a fresh
    // error with its stack on every probe. The connection is jaga's alone and destroyed once the
    // answer is read, so every probe still dials anew.
    headers: { 'user-agent': 'jaga' },
  }, client);
  trace.phases.first_byte = since(requestSentAt());
  const { statusCode, body } = response;
  // Never up on a status we were not told to accept, whatever the body says.
  if (!target.expect_status.includes(statusCode)) {
    // undici emits an abort error on a destroyed body; unheard, it would crash the process.
    body.on('error', () => undefined).destroy();
    return { ok: false, failure: 'status', detail: `HTTP ${statusCode}` };
  }
  trace.stage = 'transfer';
  const transferStarted = performance.now();
  const read = await readForChecks(body, target);
  trace.phases.transfer = since(transferStarted);
  const bodyProblem = read === null ? undefined : checkBody(read, target);
  if (bodyProblem !== undefined) return { ok: false, failure: 'body', detail: bodyProblem };
  return { ok: true, detail: `HTTP ${statusCode}` };
}

/** Dials the origin itself so each phase can be timed; undici gets an already connected socket. */
async function openSocket(url: ParsedUrl, target: HttpTargetConfig, cancellation: Cancellation, trace: ProbeTrace): Promise<net.Socket> {
  const { host } = url;
  const address = url.address ?? (await resolveHost(host, cancellation, trace));
  trace.stage = 'connect';
  const connectStarted = performance.now();
  const socket = await connectTcp(address, url.port, cancellation);
  trace.phases.connect = since(connectStarted);
  if (!url.https) return socket;
  trace.stage = 'tls';
  const tlsStarted = performance.now();
  const secure = await handshake(socket, host, target, cancellation);
  trace.phases.tls = since(tlsStarted);
  return secure;
}

/**
 * One TLS context per CA file, built once: the config loader already checked the file is readable.
 * Building it parses every system root certificate (~25 ms of CPU and megabytes of native memory each
 * time), and doing that per probe made GC pauses long enough to time out other probes. The context
 * holds trust settings only; sessions are never resumed, so each probe verifies the certificate anew.
 */
const caContexts = new Map<string, tls.SecureContext>();

function caContextOf(file: string): tls.SecureContext {
  let context = caContexts.get(file);
  if (context === undefined) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, readFileSync(file, 'utf8')] });
    caContexts.set(file, context);
  }
  return context;
}

function handshake(socket: net.Socket, host: string, target: HttpTargetConfig, cancellation: Cancellation): Promise<tls.TLSSocket> {
  const secure = tls.connect({
    socket,
    // SNI must not carry an IP literal; `host` still drives the certificate name check.
    host,
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    rejectUnauthorized: target.tls_verify,
    ...(target.tls_ca !== undefined ? { secureContext: caContextOf(target.tls_ca) } : {}),
    ALPNProtocols: ['http/1.1'],
  });
  return settleOn(secure, 'secureConnect', cancellation);
}

/**
 * Reads the body up to BODY_LIMIT_BYTES and keeps it only when a check needs it (null otherwise): kept
 * for every probe, a thousand targets would hold up to 64 MiB at once. Still drained, not dropped, so
 * the transfer phase is timed and a body that drips without end is still a timeout.
 */
export async function readForChecks(body: AsyncIterable<Uint8Array>, target: HttpTargetConfig): Promise<BoundedBody | null> {
  if (target.body_contains === undefined && target.expect_json === undefined) {
    await drainAtMost(body, BODY_LIMIT_BYTES);
    return null;
  }
  return readAtMost(body, BODY_LIMIT_BYTES);
}

/**
 * Returns why the body (its first BODY_LIMIT_BYTES) does not pass the configured checks, or undefined
 * when it does. A failure on a cut body says so: the text may lie past what was read.
 */
export function checkBody(read: BoundedBody, target: HttpTargetConfig): string | undefined {
  const expectJson = target.expect_json;
  const text = read.bytes.toString('utf8');
  const within = read.whole ? '' : ` within its first ${BODY_LIMIT_BYTES / 1024} KiB (the rest is not read)`;
  if (target.body_contains !== undefined && !text.includes(target.body_contains)) {
    return `body does not contain ${JSON.stringify(target.body_contains)}${within}`;
  }
  if (expectJson === undefined) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return `body is not JSON${within}`;
  }
  const actual = expectJson.field.split('.').reduce<unknown>(
    (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
    document,
  );
  if (actual === expectJson.equals) return undefined;
  const shown = actual === undefined ? 'missing' : JSON.stringify(actual);
  return `json ${expectJson.field} is ${shown}, expected ${JSON.stringify(expectJson.equals)}`;
}

/** Anything that breaks during the TLS handshake is a TLS failure, whatever its errno. */
function failureFor(error: unknown, trace: ProbeTrace) {
  return trace.stage === 'tls' ? 'tls' : classifyNetworkError(error);
}
