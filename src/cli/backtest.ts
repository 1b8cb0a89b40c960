// `jaga backtest`: what the gate would have done over a timeline (a CSV file, or the samples jaga
// stored in its data_dir) under a config: the JSON of the contract, or a table in the CLI's
// language. Reads files; the replay itself is backtest-replay.ts.
import { parseInstant } from '../core/timeline.js';
import { parseDurationMs } from '../core/units.js';
import type { Config } from '../config/schema.js';
import type { Catalogue } from '../i18n/catalogue.js';
import { dateTime } from '../i18n/format.js';
import { replayTimeline, type BacktestResult, type BacktestTransition } from './backtest-replay.js';
import { TimelineError, timelineFromFile, timelineFromStore, type Timeline } from './backtest-sources.js';

const EXIT_DONE = 0;
const EXIT_ERROR = 2;

export interface BacktestOptions {
  readonly timeline?: string | undefined;
  readonly fromDb?: boolean | undefined;
  /** With --from-db: how far back (`30d`), or since when (ISO 8601 with an offset). */
  readonly since?: string | undefined;
  readonly json?: boolean | undefined;
}

interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Runs the command; `now` is when "--since 30d" counts back from. */
export async function backtest(config: Config, options: BacktestOptions, text: Catalogue, io: Io, now: number): Promise<number> {
  const fromDb = options.fromDb === true;
  if (fromDb === (options.timeline !== undefined) || (options.since !== undefined && !fromDb)) {
    io.err(text.cli.backtestUsage);
    return EXIT_ERROR;
  }
  const since = options.since === undefined ? 0 : sinceOf(options.since, now);
  if (since === null) {
    io.err(text.cli.backtestBadSince(options.since ?? ''));
    return EXIT_ERROR;
  }
  let timeline: Timeline;
  try {
    timeline = options.timeline !== undefined ? await timelineFromFile(options.timeline, config) : timelineFromStore(config, since);
  } catch (error) {
    if (!(error instanceof TimelineError)) throw error;
    io.err(text.cli.timelineInvalid(error.file));
    for (const problem of error.problems) io.err(`  - ${problem}`);
    return EXIT_ERROR;
  }
  if (timeline.ignored.length > 0) io.err(text.cli.backtestIgnored(timeline.ignored.join(', ')));
  if (timeline.events.length === 0) {
    io.err(text.cli.backtestNothingStored);
    return EXIT_ERROR;
  }
  const result = replayTimeline(config, timeline.events);
  if (options.json === true) io.out(JSON.stringify(backtestJson(result), null, 2));
  else io.out(renderBacktest(result, text, config.time_zone));
  return EXIT_DONE;
}

/** "30d" back from `now`, or an instant; null when it is neither. */
function sinceOf(text: string, now: number): number | null {
  const back = parseDurationMs(text);
  if (back !== undefined) return now - back;
  return parseInstant(text);
}

const iso = (at: number): string => new Date(at).toISOString();

/** The contract, exactly: these keys, times in ISO 8601, durations in seconds. */
export function backtestJson(result: BacktestResult): unknown {
  const { summary } = result;
  return {
    transitions: result.transitions.map((t) => ({ at: iso(t.at), state: t.state, reasons: t.reasons })),
    forecasts: result.forecasts.map((f) => ({ at: iso(f.at), halt_at: f.haltAt === null ? null : iso(f.haltAt), subject: f.subject })),
    summary: {
      halted_seconds: summary.haltedMs / 1000,
      halts: summary.halts,
      first_halt_at: summary.firstHaltAt === null ? null : iso(summary.firstHaltAt),
      min_avail_bytes: summary.minAvailBytes,
    },
  };
}

/** The same as the JSON, for people: times in the office's zone, words from the catalogue. */
export function renderBacktest(result: BacktestResult, text: Catalogue, timeZone: string): string {
  const when = (at: number): string => dateTime(at, timeZone, text.email.clock);
  const lines = [text.cli.backtestPeriod(when(result.startAt), when(result.endAt)), ''];
  if (result.transitions.length === 0) lines.push(text.cli.backtestNoTransitions);
  else lines.push(...table([[...text.cli.backtestHeader], ...result.transitions.map((t) => [when(t.at), text.gateState[t.state], reasonsCell(t, text)])]));
  lines.push('');
  if (result.forecasts.length === 0) lines.push(text.cli.backtestNoForecast);
  else {
    const rows = result.forecasts.map((f) => [when(f.at), f.haltAt === null ? text.cli.backtestForecastNone : when(f.haltAt), f.subject ?? '']);
    lines.push(...table([[...text.cli.backtestForecastHeader], ...rows]));
  }
  const { summary } = result;
  lines.push('', text.cli.backtestHalted(summary.haltedMs / 1000, summary.halts), text.cli.backtestFirstHalt(summary.firstHaltAt === null ? null : when(summary.firstHaltAt)));
  for (const [volume, bytes] of Object.entries(summary.minAvailBytes)) lines.push(text.cli.backtestMinAvail(volume, bytes));
  return lines.join('\n');
}

function reasonsCell(t: BacktestTransition, text: Catalogue): string {
  return t.state === 'halted' && t.reasons.length === 0 ? text.cli.backtestClearing : t.reasons.join(', ');
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}
