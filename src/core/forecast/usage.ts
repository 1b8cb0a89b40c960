// A volume's consumption hour by hour, from its successive healthy samples: bytes written (the drops of
// available space) and the net change (drops minus what was freed, e.g. recordings removed once
// uploaded). The consumption model learns from these hours; they are rebuilt from stored samples after a
// restart. Pure.
import type { FillSample } from '../types.js';

const HOUR_MS = 3_600_000;

/** Two samples further apart than this say nothing about which hour the change happened in. */
export const MAX_SAMPLE_GAP_MS = HOUR_MS;

export interface UsageHour {
  /** The hour's start (epoch, a multiple of an hour). */
  readonly start: number;
  /** Bytes written: the sum of the drops of available space. */
  readonly written: number;
  /** Net bytes consumed: written minus freed (negative when more was freed). */
  readonly net: number;
  /** How much of the hour the samples covered. */
  readonly coveredMs: number;
}

export interface UsageLog {
  /** Oldest first. */
  readonly hours: readonly UsageHour[];
  /** The last sample folded in, the start of the next step. */
  readonly last: FillSample | null;
}

export const EMPTY_USAGE: UsageLog = { hours: [], last: null };

/**
 * The log with one more sample. The change since the previous sample is booked to the hours it spans,
 * in proportion to the time in each; a gap past MAX_SAMPLE_GAP_MS, or a sample older than the last (a
 * clock stepped back), only restarts the steps. Hours older than `keepMs` before the sample drop out.
 */
export function addUsage(log: UsageLog, sample: FillSample, keepMs: number): UsageLog {
  const previous = log.last;
  if (previous === null || sample.at <= previous.at || sample.at - previous.at > MAX_SAMPLE_GAP_MS) {
    return { hours: prune(log.hours, sample.at - keepMs), last: sample };
  }
  const drop = previous.availBytes - sample.availBytes;
  const hours = [...log.hours];
  for (let from = previous.at; from < sample.at; ) {
    const start = Math.floor(from / HOUR_MS) * HOUR_MS;
    const to = Math.min(sample.at, start + HOUR_MS);
    const share = (to - from) / (sample.at - previous.at);
    book(hours, start, drop * share, to - from);
    from = to;
  }
  return { hours: prune(hours, sample.at - keepMs), last: sample };
}

/** Folds samples (any order) into a log from scratch: a restart's rebuild from the store. */
export function usageFromSamples(samples: readonly FillSample[], keepMs: number): UsageLog {
  return [...samples].sort((a, b) => a.at - b.at).reduce((log, s) => addUsage(log, s, keepMs), EMPTY_USAGE);
}

function book(hours: UsageHour[], start: number, drop: number, coveredMs: number): void {
  const last = hours.at(-1);
  const written = Math.max(0, drop);
  if (last !== undefined && last.start === start) {
    hours[hours.length - 1] = { start, written: last.written + written, net: last.net + drop, coveredMs: last.coveredMs + coveredMs };
  } else {
    hours.push({ start, written, net: drop, coveredMs });
  }
}

function prune(hours: readonly UsageHour[], before: number): readonly UsageHour[] {
  const first = hours.findIndex((h) => h.start + HOUR_MS > before);
  return first <= 0 ? (first === -1 ? [] : hours) : hours.slice(first);
}
