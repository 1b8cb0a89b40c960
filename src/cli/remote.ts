// CLI commands that talk to a running jaga over its HTTP API: status (with the halt forecast), override, history.
// Network I/O and human output only; the service decides.
import type { Catalogue } from '../i18n/catalogue.js';
import type { ModelName } from '../core/forecast/model.js';
import type { CliOptions } from './cli.js';
import { readAtMost } from '../runtime/bounded-body.js';
import { formatBytes } from '../core/units.js';
import { stripControlsKeepingLines } from '../runtime/text-lines.js';

interface RemoteContext {
  readonly values: CliOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly text: Catalogue;
  readonly io: { readonly out: (line: string) => void; readonly err: (line: string) => void };
  readonly baseUrl: () => string;
}

interface GateJson {
  state: 'allowed' | 'halted';
  since: string;
  valid_until: string;
  resuming_at: string | null;
  reasons: { code: string; message: string; since: string }[];
  overridden: { code: string; message: string }[];
  override: OverrideJson | null;
  /** Absent from a jaga older than the halt forecast. */
  mode?: 'normal' | 'buffering';
  buffering?: { since: string; room_working_hours: number | null; ends_at: string | null } | null;
  forecast?: { halt_at: string | null; model: ModelName | null; message?: string | null };
}

interface VolumeForecastJson {
  model: ModelName;
  halt_at: string | null;
  room_working_hours: number | null;
}

interface OverrideJson {
  id: string;
  action: string;
  reason: string;
  by: string;
  expires_at: string | null;
}

class RemoteError extends Error {}

const EXIT_ALLOWED = 0;
const EXIT_HALTED = 1;
const EXIT_ERROR = 2;

/**
 * The most of an answer the CLI reads: /api/v1/status for 1,000 targets is about 0.5 MiB. Anything
 * that answers more is not the jaga we meant to ask, and must not fill the operator's memory.
 */
const ANSWER_LIMIT_BYTES = 2 * 1024 * 1024;

export async function remoteCommand(command: string, args: readonly string[], ctx: RemoteContext): Promise<number> {
  try {
    switch (command) {
      case 'status':
        return await status(ctx);
      case 'history':
        return await history(ctx);
      case 'report':
        return await report(ctx);
      case 'silence':
        return await silence(args, ctx);
      default:
        return await override(args, ctx);
    }
  } catch (error) {
    if (error instanceof RemoteError) {
      ctx.io.err(error.message);
      return EXIT_ERROR;
    }
    throw error;
  }
}

async function call(ctx: RemoteContext, method: string, path: string, options: { token?: boolean; body?: unknown } = {}): Promise<unknown> {
  const url = `${ctx.baseUrl()}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) {
    const token = ctx.env.JAGA_TOKEN;
    if (!token) throw new RemoteError(ctx.text.cli.tokenMissing);
    headers.authorization = `Bearer ${token}`;
  } else if (ctx.env.JAGA_TOKEN) {
    headers.authorization = `Bearer ${ctx.env.JAGA_TOKEN}`;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const answer = await fetchAnswer(ctx, url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const body = parseJson(answer.text) as { message?: string } | null;
  if (!answer.ok) throw new RemoteError(`HTTP ${answer.status}: ${body?.message ?? answer.statusText}`);
  return body;
}

interface Answer {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly text: string;
}

/** One request and at most ANSWER_LIMIT_BYTES of its answer; a longer answer is refused, not read. */
async function fetchAnswer(ctx: RemoteContext, url: string, init: RequestInit): Promise<Answer> {
  try {
    const response = await fetch(url, init);
    const read = response.body === null ? null : await readAtMost(response.body, ANSWER_LIMIT_BYTES);
    if (read !== null && !read.whole) throw new RemoteError(ctx.text.cli.answerTooLarge(url, formatBytes(ANSWER_LIMIT_BYTES)));
    return { ok: response.ok, status: response.status, statusText: response.statusText, text: read?.bytes.toString('utf8') ?? '' };
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new RemoteError(ctx.text.cli.unreachable(ctx.baseUrl(), cause));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function printGate(gate: GateJson, ctx: RemoteContext): void {
  const { text, io } = ctx;
  io.out(`${text.cli.gateLine(text.gateState[gate.state])} (${gate.since})`);
  if (gate.reasons.length === 0) io.out(text.cli.noReasons);
  for (const reason of gate.reasons) io.out(`  - ${reason.code}: ${reason.message} (${reason.since})`);
  for (const reason of gate.overridden) io.out(`  ~ ${reason.code}: ${reason.message} (override)`);
  if (gate.resuming_at) io.out(text.resumingAt(gate.resuming_at));
  const forecast = gate.forecast;
  if (forecast?.message) io.out(`${forecast.message.charAt(0).toUpperCase()}${forecast.message.slice(1)}`);
  if (forecast?.model) io.out(`  ${text.forecast.modelLine(text.forecast.model[forecast.model] ?? forecast.model)}`);
  if (gate.buffering) io.out(text.forecast.buffering(gate.buffering.since, gate.buffering.ends_at));
}

async function status(ctx: RemoteContext): Promise<number> {
  const body = (await call(ctx, 'GET', `/api/v1/status?lang=${langOf(ctx)}`)) as {
    gate: GateJson;
    targets: { name: string; role: string; status: string; consecutive_failures: number; last_probe: { failure: string | null; duration_ms: number } | null }[];
    volumes: {
      name: string;
      available: boolean;
      failure: string | null;
      used_ratio: number | null;
      avail_bytes: number | null;
      full_eta_seconds: number | null;
      /** Absent from a jaga older than the halt forecast. */
      forecast?: VolumeForecastJson | null;
    }[];
    /** Absent from a jaga older than the data-at-risk inputs. */
    backlogs?: { name: string; available: boolean; failure: string | null; items: number | null; bytes: number | null; oldest_age_seconds: number | null }[];
    heartbeats?: { name: string; grace: number; last_ping_at: string | null; late: boolean }[];
  };
  if (ctx.values.json) {
    ctx.io.out(JSON.stringify(body, null, 2));
  } else {
    printGate(body.gate, ctx);
    ctx.io.out('');
    for (const t of body.targets) {
      const last = t.last_probe ? `${t.last_probe.failure ?? 'ok'} ${t.last_probe.duration_ms} ms` : '-';
      ctx.io.out(`${t.name.padEnd(20)} ${t.role.padEnd(9)} ${t.status.padEnd(7)} ${last}${t.consecutive_failures ? ` (x${t.consecutive_failures})` : ''}`);
    }
    for (const v of body.volumes) {
      const used = v.used_ratio === null ? '-' : `${(v.used_ratio * 100).toFixed(1)}%`;
      const eta = v.full_eta_seconds === null ? '' : ` eta ${Math.round(v.full_eta_seconds / 60)} min`;
      ctx.io.out(`${v.name.padEnd(20)} storage   ${(v.available ? 'ok' : v.failure ?? '?').padEnd(7)} ${used}${eta}`);
      const f = v.forecast;
      if (f) ctx.io.out(`${''.padEnd(31)}${ctx.text.forecast.model[f.model] ?? f.model}: ${ctx.text.forecast.volume(f.halt_at, f.room_working_hours)}`);
    }
    for (const b of body.backlogs ?? []) {
      const reading = b.items === null ? '-' : ctx.text.cli.statusBacklog(b.items, b.bytes, b.oldest_age_seconds);
      ctx.io.out(`${b.name.padEnd(20)} backlog   ${(b.available ? 'ok' : b.failure ?? '?').padEnd(7)} ${reading}`);
    }
    for (const h of body.heartbeats ?? []) {
      ctx.io.out(`${h.name.padEnd(20)} heartbeat ${(h.late ? 'late' : 'ok').padEnd(7)} ${ctx.text.cli.statusHeartbeat(h.last_ping_at, h.grace)}`);
    }
  }
  return body.gate.state === 'allowed' ? EXIT_ALLOWED : EXIT_HALTED;
}

async function history(ctx: RemoteContext): Promise<number> {
  const { values } = ctx;
  const query = new URLSearchParams({ limit: values.limit ?? '20', lang: langOf(ctx) });
  if (values.since) query.set('since', values.since);
  if (values.until) query.set('until', values.until);
  if (values.reason) query.set('reason', values.reason);
  const body = (await call(ctx, 'GET', `/api/v1/history?${query.toString()}`)) as {
    items: { id: number; at: string; from: string | null; to: string; reasons: { code: string; message: string }[] }[];
  };
  if (ctx.values.json) {
    ctx.io.out(JSON.stringify(body, null, 2));
    return EXIT_ALLOWED;
  }
  for (const item of body.items) {
    const reasons = item.reasons.map((r) => r.code).join(', ');
    ctx.io.out(`${item.at}  ${(item.from ?? '-').padEnd(7)} -> ${item.to.padEnd(7)}  ${reasons}`);
  }
  return EXIT_ALLOWED;
}

async function override(args: readonly string[], ctx: RemoteContext): Promise<number> {
  const [verb, id] = args;
  const { text, io, values } = ctx;
  if (verb === 'list') {
    const body = (await call(ctx, 'GET', '/api/v1/overrides', { token: true })) as { items: OverrideJson[] };
    if (body.items.length === 0) io.out(text.cli.noOverrides);
    for (const o of body.items) io.out(`${o.id}  ${o.action.padEnd(5)}  ${o.by}  ${o.expires_at ?? '-'}  ${o.reason}`);
    return EXIT_ALLOWED;
  }
  if (verb === 'lift' && id) {
    const body = (await call(ctx, 'DELETE', `/api/v1/overrides/${encodeURIComponent(id)}`, { token: true })) as { gate: GateJson };
    io.out(text.cli.overrideLifted(id));
    printGate(body.gate, ctx);
    return body.gate.state === 'allowed' ? EXIT_ALLOWED : EXIT_HALTED;
  }
  if ((verb === 'halt' || verb === 'allow') && values.reason) {
    const body = (await call(ctx, 'POST', `/api/v1/overrides?lang=${langOf(ctx)}`, {
      token: true,
      body: { action: verb, reason: values.reason, ...(values.for ? { for: values.for } : {}) },
    })) as { override: OverrideJson; gate: GateJson };
    io.out(text.cli.overrideCreated(body.override.id, body.override.action, body.override.expires_at ?? '-'));
    printGate(body.gate, ctx);
    return body.gate.state === 'allowed' ? EXIT_ALLOWED : EXIT_HALTED;
  }
  io.err(text.cli.usage);
  return EXIT_ERROR;
}

/** `jaga report`: the period's summary for people, or the CSV for a spreadsheet (`--csv`). */
async function report(ctx: RemoteContext): Promise<number> {
  const { values, io, text } = ctx;
  const query = new URLSearchParams();
  if (values.since) query.set('since', values.since);
  if (values.until) query.set('until', values.until);
  if (values.csv) {
    query.set('format', 'csv');
    const answer = await fetchAnswer(ctx, `${ctx.baseUrl()}/api/v1/report?${query.toString()}`, { signal: AbortSignal.timeout(30_000) });
    if (!answer.ok) throw new RemoteError(`HTTP ${answer.status}: ${(parseJson(answer.text) as { message?: string } | null)?.message ?? ''}`);
    // Written as it came (CRLF rows, no added line break), through the same filter as every other line.
    process.stdout.write(stripControlsKeepingLines(answer.text));
    return EXIT_ALLOWED;
  }
  const body = (await call(ctx, 'GET', `/api/v1/report?${query.toString()}`)) as {
    total: {
      start: string;
      end: string;
      halted_seconds: number;
      halted_percent: number;
      halts: number;
      reason_seconds: Record<string, number>;
      central_availability_percent: number | null;
      /** Absent from a jaga older than the data-at-risk inputs. */
      peak_backlog_items?: number | null;
      peak_backlog_items_by_source?: Record<string, number | null>;
      longest_without_upload_seconds_by_heartbeat?: Record<string, number | null>;
    };
    longest_central_outage: { target: string; start: string; seconds: number } | null;
  };
  if (values.json) {
    io.out(JSON.stringify(body, null, 2));
    return EXIT_ALLOWED;
  }
  const t = body.total;
  io.out(text.cli.reportPeriod(t.start, t.end));
  io.out(text.cli.reportHalted(t.halted_seconds, t.halted_percent, t.halts));
  for (const [code, seconds] of Object.entries(t.reason_seconds)) if (seconds > 0) io.out(`  - ${code}: ${Math.round(seconds / 60)} min`);
  const longest = body.longest_central_outage;
  io.out(text.cli.reportLongestOutage(longest ? longest.seconds : null, longest?.start ?? null));
  io.out(text.cli.reportAvailability(t.central_availability_percent));
  const sources = Object.entries(t.peak_backlog_items_by_source ?? {});
  if (sources.length > 0) io.out(text.cli.reportPeakBacklog(t.peak_backlog_items ?? null));
  for (const [source, items] of sources) io.out(text.cli.reportPeakBacklogSource(source, items));
  for (const [heartbeat, seconds] of Object.entries(t.longest_without_upload_seconds_by_heartbeat ?? {})) {
    io.out(text.cli.reportLongestWithoutUpload(heartbeat, seconds));
  }
  return EXIT_ALLOWED;
}

interface SilenceJson {
  id: string;
  matchers: Record<string, string>;
  starts_at?: string;
  ends_at?: string;
  cron?: string;
  comment: string;
  source: string;
  active: boolean;
}

async function silence(args: readonly string[], ctx: RemoteContext): Promise<number> {
  const [verb, id] = args;
  const { text, io, values } = ctx;
  if (verb === 'list') {
    const body = (await call(ctx, 'GET', '/api/v1/silences', { token: true })) as { items: SilenceJson[] };
    if (body.items.length === 0) io.out(text.cli.noSilences);
    for (const s of body.items) {
      const matchers = Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`).join(',');
      const when = s.cron ? `cron "${s.cron}"` : `${s.starts_at ?? ''} .. ${s.ends_at ?? ''}`;
      io.out(`${s.id}  ${s.active ? '*' : ' '} ${matchers}  ${when}  ${s.comment}`);
    }
    return EXIT_ALLOWED;
  }
  if (verb === 'expire' && id) {
    await call(ctx, 'DELETE', `/api/v1/silences/${encodeURIComponent(id)}`, { token: true });
    io.out(text.cli.silenceExpired(id));
    return EXIT_ALLOWED;
  }
  if (verb === 'add' && values.match && values.match.length > 0 && values.comment && values.for) {
    const matchers: Record<string, string> = {};
    for (const pair of values.match) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new RemoteError(text.cli.badMatcher(pair));
      matchers[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const body = (await call(ctx, 'POST', '/api/v1/silences', {
      token: true,
      body: { matchers, comment: values.comment, for: values.for },
    })) as { silence: SilenceJson };
    io.out(text.cli.silenceCreated(body.silence.id, body.silence.ends_at ?? '-'));
    return EXIT_ALLOWED;
  }
  io.err(text.cli.usage);
  return EXIT_ERROR;
}

function langOf(ctx: RemoteContext): string {
  return ctx.values.lang === 'en' ? 'en' : 'id';
}
