// The `http_json` backlog source: GETs a local endpoint of the recording or sync application and picks
// items, bytes and the oldest time out of its JSON answer by dotted path (core/backlog-output.ts).
// Network I/O over a fresh connection per read, bounded by the deadline and by BODY_LIMIT_BYTES.
import type { HttpJsonSourceConfig } from '../../config/schema.js';
import { readingFromJson } from '../../core/backlog-output.js';
import type { BacklogFailure, BacklogResult } from '../../core/types.js';
import { readAtMost } from '../../runtime/bounded-body.js';
import { Client, originAndPath, request } from '../../runtime/undici-parts.js';
import { classifyNetworkError, describeError, raceDeadline, type ProbeContext } from '../probe.js';

/** A queue's summary is a few hundred bytes; an answer past this is not one. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

type Outcome = { readonly ok: true; readonly result: BacklogResult } | { readonly ok: false; readonly failure: BacklogFailure; readonly detail: string };

/** Closes a finished read's connection (one error for all, as the HTTP probe does). */
const READ_OVER = new Error('backlog read over: connection closed by jaga');

export async function readHttpJsonSource(source: HttpJsonSourceConfig, ctx: ProbeContext): Promise<BacklogResult> {
  const started = performance.now();
  const failed = (failure: BacklogFailure, detail: string): BacklogResult => ({ ok: false, failure, durationMs: performance.now() - started, detail });
  let client: Client | undefined;
  try {
    const { origin, path } = originAndPath(new URL(source.url));
    // A pooled connection could outlive the application's restart: each read dials anew and closes.
    const fresh = new Client(origin, {
      connect: { rejectUnauthorized: source.tls_verify },
      pipelining: 1,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    });
    client = fresh;
    const raced = await raceDeadline(ctx, async (cancellation): Promise<Outcome> => {
      cancellation.onCancel((reason) => void fresh.destroy(reason).catch(() => undefined));
      return exchange(fresh, origin, path, source, started);
    });
    if (!raced.settled) return failed('timeout', raced.why === 'aborted' ? 'aborted' : `no complete answer from ${source.url} within ${ctx.timeoutMs}ms`);
    return raced.value.ok ? raced.value.result : failed(raced.value.failure, raced.value.detail);
  } catch (error) {
    return failed(failureOf(error), `${source.url}: ${describeError(error)}`);
  } finally {
    // Not awaited: closing our own connection must not eat into the read's time.
    if (client !== undefined && !client.destroyed) void client.destroy(READ_OVER).catch(() => undefined);
  }
}

async function exchange(client: Client, origin: string, path: string, source: HttpJsonSourceConfig, started: number): Promise<Outcome> {
  const { statusCode, body } = await request({ origin, path, method: 'GET', headers: { 'user-agent': 'jaga', accept: 'application/json' } }, client);
  if (statusCode < 200 || statusCode > 299) {
    // undici emits an abort error on a destroyed body; unheard, it would crash the process.
    body.on('error', () => undefined).destroy();
    return { ok: false, failure: 'failed', detail: `${source.url} answered HTTP ${statusCode}` };
  }
  const read = await readAtMost(body, BODY_LIMIT_BYTES);
  if (!read.whole) return { ok: false, failure: 'bad_output', detail: `${source.url}: answer larger than ${BODY_LIMIT_BYTES / 1024} KiB; not read further` };
  let document: unknown;
  try {
    document = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return { ok: false, failure: 'bad_output', detail: `${source.url}: answer is not JSON` };
  }
  const reading = readingFromJson(document, { items: source.items, bytes: source.bytes, oldest: source.oldest });
  if (!reading.ok) return { ok: false, failure: 'bad_output', detail: `${source.url}: ${reading.detail}` };
  return { ok: true, result: { ok: true, durationMs: performance.now() - started, ...reading.value } };
}

/** undici's own timeouts are the deadline's; any other error means the endpoint could not be reached or read. */
function failureOf(error: unknown): BacklogFailure {
  return classifyNetworkError(error) === 'timeout' ? 'timeout' : 'unreadable';
}
