// The one shape every prober has, plus what they share: the deadline that bounds a probe and the
// mapping of socket/DNS error codes to failure classes. No I/O of its own (only timers).
import type { TargetConfig } from '../config/schema.js';
import type { Phases, ProbeResult, TargetFailure } from '../core/types.js';

export interface ProbeContext {
  /** Aborts from outside (e.g. shutdown); the probe then returns quickly with detail "aborted". */
  readonly signal: AbortSignal;
  /** Bounds the whole probe; the caller has already applied the target's own `timeout`. */
  readonly timeoutMs: number;
}

/** Measures one target. Never throws and never judges anything beyond its own target. */
export type TargetProber<T extends TargetConfig> = (target: T, ctx: ProbeContext) => Promise<ProbeResult>;

export type Raced<T> =
  | { readonly settled: true; readonly value: T }
  | { readonly settled: false; readonly why: 'timeout' | 'aborted' };

/**
 * Tells a probe's work that it lost the race (timeout or shutdown), so it tears down what it opened.
 * An AbortController would do, but each is an EventTarget with its own map of listeners: at hundreds
 * of probes a second, one per probe was a fifth of what a TCP probe allocated.
 */
export class Cancellation {
  private why: Error | null = null;
  private handlers: ((reason: Error) => void)[] | null = null;

  /** Why the race was lost, or null while it is still on. */
  get reason(): Error | null {
    return this.why;
  }

  /** Throws the reason once cancelled: for steps that cannot be interrupted, before the next one starts. */
  throwIfCancelled(): void {
    if (this.why !== null) throw this.why;
  }

  /** Runs `handler` on cancellation (at once if already cancelled); returns what removes it. */
  onCancel(handler: (reason: Error) => void): () => void {
    if (this.why !== null) {
      handler(this.why);
      return () => undefined;
    }
    (this.handlers ??= []).push(handler);
    return () => {
      const index = this.handlers?.indexOf(handler) ?? -1;
      if (index >= 0) this.handlers?.splice(index, 1);
    };
  }

  cancel(reason: Error): void {
    if (this.why !== null) return;
    this.why = reason;
    const handlers = this.handlers ?? [];
    this.handlers = null;
    for (const handler of handlers) handler(reason);
  }
}

/**
 * Runs `work` until it settles, `ctx.timeoutMs` passes or `ctx.signal` aborts, whichever comes
 * first. Never waits for work that is stuck (a hung mount, an uncancellable lookup). The
 * cancellation handed to `work` fires when the race is lost (timeout or outer abort), so work hangs
 * its cleanup on it; work that settles has cleaned up itself. Rejects only when `work` rejects first.
 */
export function raceDeadline<T>(
  ctx: ProbeContext,
  work: (cancellation: Cancellation) => Promise<T>,
): Promise<Raced<T>> {
  if (ctx.signal.aborted) return Promise.resolve({ settled: false, why: 'aborted' });
  // One promise, one timer and one cancellation per probe, and no Error unless the race is lost:
  // at hundreds of probes a second this frame is a measurable part of jaga's cost per probe.
  return new Promise((resolve, reject) => {
    const cancellation = new Cancellation();
    let over = false;
    const end = (): boolean => {
      if (over) return false;
      over = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onOuterAbort);
      return true;
    };
    const lose = (why: 'timeout' | 'aborted') => {
      if (!end()) return;
      cancellation.cancel(new Error(why === 'timeout' ? `probe timed out after ${ctx.timeoutMs}ms` : 'probe aborted'));
      resolve({ settled: false, why });
    };
    const onOuterAbort = () => lose('aborted');
    const timer = setTimeout(lose, ctx.timeoutMs, 'timeout');
    ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    work(cancellation).then(
      (value) => {
        if (end()) resolve({ settled: true, value });
      },
      (error: unknown) => {
        if (end()) reject(error);
      },
    );
  });
}

/** What a prober's work concludes before timing and the latency limit are applied. */
export type Verdict =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly failure: TargetFailure; readonly detail: string };

/** Mutable notes the work keeps while it runs, so a timeout can still say how far it got. */
export interface ProbeTrace {
  readonly phases: Phases;
  stage: string;
}

/**
 * The frame every target prober shares: deadline, `total`/`durationMs`, the `max_latency` check,
 * and the promise that nothing escapes as an exception.
 */
export async function measureProbe(
  ctx: ProbeContext,
  maxLatencyMs: number | undefined,
  work: (cancellation: Cancellation, trace: ProbeTrace) => Promise<Verdict>,
): Promise<ProbeResult> {
  const started = performance.now();
  const trace: ProbeTrace = { phases: {}, stage: 'start' };
  let verdict: Verdict;
  let phases = trace.phases;
  try {
    const raced = await raceDeadline(ctx, (cancellation) => work(cancellation, trace));
    if (raced.settled) {
      verdict = raced.value;
    } else {
      // The work may still be running and writing phases: keep a copy of what it had so far.
      phases = { ...trace.phases };
      verdict = raced.why === 'aborted' ? { ok: false, failure: 'error', detail: 'aborted' } : deadlineVerdict(ctx.timeoutMs, trace.stage);
    }
  } catch (error) {
    verdict = { ok: false, failure: 'error', detail: describeError(error) };
  }
  const durationMs = performance.now() - started;
  phases.total = durationMs;
  // Results are built field by field, not spread: at hundreds of probes a second, one object shape
  // per outcome keeps this frame cheap.
  if (!verdict.ok) return { ok: false, failure: verdict.failure, durationMs, phases, detail: verdict.detail };
  if (maxLatencyMs !== undefined && durationMs > maxLatencyMs) {
    const detail = `took ${durationMs.toFixed(1)}ms, max_latency ${maxLatencyMs}ms (${verdict.detail})`;
    return { ok: false, failure: 'latency', durationMs, phases, detail };
  }
  return { ok: true, durationMs, phases, detail: verdict.detail };
}

/**
 * The deadline passed during `stage`. Name resolution that never answers is a `dns` failure like
 * NXDOMAIN is: the class says which step failed, and the gate's cause (whom to call) follows it, so a
 * silent resolver must not be reported as the central server timing out.
 */
function deadlineVerdict(timeoutMs: number, stage: string): Verdict {
  if (stage === 'dns') return { ok: false, failure: 'dns', detail: `no DNS answer within ${timeoutMs}ms (timeout)` };
  return { ok: false, failure: 'timeout', detail: `timeout after ${timeoutMs}ms during ${stage}` };
}

/** Milliseconds since a `performance.now()` reading. */
export function since(start: number): number {
  return performance.now() - start;
}

const FAILURE_BY_CODE: Readonly<Record<string, TargetFailure>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  // undici: "other side closed", and a body cut short by the peer.
  UND_ERR_SOCKET: 'reset',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EAI_NONAME: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

/** Certificate and handshake errors from node:tls / OpenSSL. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE)/;

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a socket, DNS or TLS error to its failure class; unknown errors are `error`. */
export function classifyNetworkError(error: unknown): TargetFailure {
  const code = errorCode(error);
  if (code === undefined) return 'error';
  return FAILURE_BY_CODE[code] ?? (TLS_CODE.test(code) ? 'tls' : 'error');
}

/** Short internal text: the code and the message, once each ("connect ECONNREFUSED 127.0.0.1:80"). */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  // OpenSSL messages carry a file:line trail; its `reason` alone says it ("wrong version number").
  const reason = (error as { reason?: unknown } | null)?.reason;
  const message = typeof reason === 'string' ? reason : error instanceof Error ? error.message.trim() : String(error);
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
