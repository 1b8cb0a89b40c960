// A backtest's timeline: the CSV format `time,subject,field,value` read into observations in time
// order, or every bad row with its line number. Rows of one subject at one time are one observation
// (a volume's rows at one `time` are one statfs result). Pure: text and names in, events or problems out.
import type { BacklogFailure, BacklogReading, TargetFailure, VolumeFailure, VolumeUsage } from './types.js';

export const TIMELINE_HEADER = 'time,subject,field,value';

export type TimelineEvent =
  | {
      readonly kind: 'target';
      readonly name: string;
      readonly at: number;
      readonly result: { readonly ok: true; readonly durationMs: number } | { readonly ok: false; readonly failure: TargetFailure; readonly durationMs: number };
    }
  | {
      readonly kind: 'volume';
      readonly name: string;
      readonly at: number;
      readonly result: { readonly ok: true; readonly usage: VolumeUsage } | { readonly ok: false; readonly failure: VolumeFailure };
    }
  | {
      readonly kind: 'backlog';
      readonly name: string;
      readonly at: number;
      readonly result: ({ readonly ok: true } & BacklogReading) | { readonly ok: false; readonly failure: BacklogFailure };
    }
  | { readonly kind: 'heartbeat'; readonly name: string; readonly at: number; readonly itemsSent: number | null };

export type SubjectKind = TimelineEvent['kind'];

/** The names the config knows, by kind: a subject outside them is an error, not a row to skip. */
export type KnownSubjects = Readonly<Record<SubjectKind, ReadonlySet<string>>>;

export type TimelineParse = { readonly ok: true; readonly events: readonly TimelineEvent[] } | { readonly ok: false; readonly problems: readonly string[] };

/** Problems listed at most: a file that is wrong throughout says so in a screenful, not a million lines. */
export const MAX_PROBLEMS = 50;

/** Each kind's fields: which are required, and how each value is read. */
const FIELDS: Readonly<Record<SubjectKind, Readonly<Record<string, { readonly required: boolean; readonly read: Reader }>>>> = {
  target: { ok: { required: true, read: readFlag }, latency_ms: { required: false, read: readMilliseconds } },
  volume: {
    size_bytes: { required: true, read: readCount },
    avail_bytes: { required: true, read: readCount },
    files: { required: false, read: readCount },
    files_free: { required: false, read: readCount },
  },
  backlog: { items: { required: true, read: readCount }, bytes: { required: false, read: readCount }, oldest: { required: false, read: readOldest } },
  heartbeat: { ping: { required: true, read: () => 0 } },
};

/** A field's value as a number, or why it is not one. `at` is the row's time (an age is counted back from it). */
type Reader = (value: string, at: number) => number | string;

interface Group {
  readonly kind: SubjectKind;
  readonly name: string;
  readonly at: number;
  /** The group's first line: where a missing field is reported. */
  readonly line: number;
  readonly fields: Map<string, { readonly value: number; readonly line: number }>;
  /** A row of it had a bad value: its own line says so, and the group is not judged as a whole. */
  bad: boolean;
}

/**
 * Reads a timeline. Blank lines are skipped; a value may be double-quoted (as a spreadsheet writes
 * it); rows need not be in time order. Every problem names its line, and they come in line order.
 */
export function parseTimeline(text: string, known: KnownSubjects): TimelineParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const problems: { line: number; text: string }[] = [];
  if ((lines[0] ?? '').trim() !== TIMELINE_HEADER) {
    return { ok: false, problems: [`line 1: the header must be "${TIMELINE_HEADER}"`] };
  }
  const groups = new Map<string, Group>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (line === 1 || raw.trim() === '') return;
    const problem = readRow(raw, line, known, groups);
    if (problem !== null) problems.push({ line, text: problem });
  });
  const events: { event: TimelineEvent; line: number }[] = [];
  for (const group of groups.values()) {
    if (group.bad) continue;
    const built = buildEvent(group);
    if (typeof built === 'string') problems.push({ line: group.line, text: built });
    else events.push({ event: built, line: group.line });
  }
  if (problems.length > 0) {
    const byLine = problems.sort((a, b) => a.line - b.line).map((p) => `line ${p.line}: ${p.text}`);
    return { ok: false, problems: capped(byLine) };
  }
  if (events.length === 0) return { ok: false, problems: ['the timeline has no rows'] };
  // In time order; rows of one instant in the order the file gives them.
  events.sort((a, b) => a.event.at - b.event.at || a.line - b.line);
  return { ok: true, events: events.map((e) => e.event) };
}

function readRow(raw: string, line: number, known: KnownSubjects, groups: Map<string, Group>): string | null {
  const cells = splitCsvLine(raw);
  if (cells === null) return 'a quoted value is not closed';
  if (cells.length !== 4) return `expected 4 values (${TIMELINE_HEADER}), found ${cells.length}`;
  const [time = '', subject = '', field = '', value = ''] = cells;
  const at = parseInstant(time);
  if (at === null) return `time "${time}" is not an ISO 8601 time with an offset (2026-12-01T08:00:00+07:00)`;
  const colon = subject.indexOf(':');
  const kind = subject.slice(0, colon);
  const name = subject.slice(colon + 1);
  if (colon < 0 || !isKind(kind)) return `subject "${subject}" must be target:<name>, volume:<name>, backlog:<name> or heartbeat:<name>`;
  if (!known[kind].has(name)) return `subject "${subject}": the config has no ${kind} named "${name}"`;
  const key = `${at}\u0000${subject}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = { kind, name, at, line, fields: new Map(), bad: false };
    groups.set(key, group);
  }
  const spec = Object.hasOwn(FIELDS[kind], field) ? FIELDS[kind][field] : undefined;
  const read = spec === undefined ? `is not a field of a ${kind} (${Object.keys(FIELDS[kind]).join(', ')})` : spec.read(value, at);
  if (typeof read === 'string') {
    group.bad = true;
    return spec === undefined ? `${subject}: field "${field}" ${read}` : `${subject}: ${field} "${value}" ${read}`;
  }
  const earlier = group.fields.get(field);
  if (earlier !== undefined) return `${subject}: ${field} given twice for ${time} (first on line ${earlier.line})`;
  group.fields.set(field, { value: read, line });
  return null;
}

/** One group of rows as an observation, or what is missing or inconsistent in it. */
function buildEvent(group: Group): TimelineEvent | string {
  const { kind, name, at } = group;
  const missing = Object.entries(FIELDS[kind]).filter(([field, spec]) => spec.required && !group.fields.has(field)).map(([field]) => field);
  if (missing.length > 0) return `${kind}:${name} at this time lacks ${missing.join(' and ')}`;
  const field = (key: string): number | null => group.fields.get(key)?.value ?? null;
  switch (kind) {
    case 'target': {
      const durationMs = field('latency_ms') ?? 0;
      return { kind, name, at, result: field('ok') === 1 ? { ok: true, durationMs } : { ok: false, failure: 'error', durationMs } };
    }
    case 'volume': {
      const usage = usageOf(field('size_bytes') ?? 0, field('avail_bytes') ?? 0, field('files'), field('files_free'));
      return typeof usage === 'string' ? `${kind}:${name}: ${usage}` : { kind, name, at, result: { ok: true, usage } };
    }
    case 'backlog':
      return { kind, name, at, result: { ok: true, items: field('items') ?? 0, bytes: field('bytes'), oldestAt: field('oldest') } };
    case 'heartbeat':
      return { kind, name, at, itemsSent: null };
  }
}

/**
 * df semantics from a timeline's numbers. The timeline gives no blocks reserved for root, so free is
 * taken as avail: used = size - avail, and the used ratio is (size - avail) / size, as df shows it.
 */
export function usageOf(sizeBytes: number, availBytes: number, files: number | null, filesFree: number | null): VolumeUsage | string {
  if (sizeBytes === 0) return 'size_bytes must be above 0';
  if (availBytes > sizeBytes) return `avail_bytes (${availBytes}) is above size_bytes (${sizeBytes})`;
  if ((files === null) !== (filesFree === null)) return 'files and files_free go together: give both or neither';
  if (files !== null && filesFree !== null && filesFree > files) return `files_free (${filesFree}) is above files (${files})`;
  const usedBytes = sizeBytes - availBytes;
  const filesTotal = files ?? 0;
  const free = filesFree ?? 0;
  return {
    sizeBytes,
    freeBytes: availBytes,
    availBytes,
    usedBytes,
    usedRatio: usedBytes / sizeBytes,
    filesTotal,
    filesFree: free,
    filesUsedRatio: filesTotal === 0 ? 0 : (filesTotal - free) / filesTotal,
  };
}

const isKind = (kind: string): kind is SubjectKind => Object.hasOwn(FIELDS, kind);

function capped(problems: readonly string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  return [...problems.slice(0, MAX_PROBLEMS), `and ${problems.length - MAX_PROBLEMS} more`];
}

/** Comma-separated cells, a cell optionally in double quotes ("" inside for one quote); null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        cell += line[i];
        i += 1;
      }
      // Whatever follows the closing quote up to the comma belongs to the cell (lenient, as spreadsheets are).
      const comma = line.indexOf(',', i);
      cell += line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    } else {
      const comma = line.indexOf(',', i);
      cell = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length : comma;
    }
    cells.push(cell.trim());
    if (i >= line.length) return cells;
    i += 1; // the comma
  }
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** Epoch ms of an ISO 8601 time with a zone (`Z` or `+07:00`), or null; impossible dates (30 February) are null. */
export function parseInstant(text: string): number | null {
  const m = INSTANT.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  if (Math.abs(offsetMinutes) > 18 * 60 || Number(m[11]) > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

function readFlag(value: string): number | string {
  return value === '0' ? 0 : value === '1' ? 1 : 'must be 0 or 1';
}

function readCount(value: string): number | string {
  const n = Number(value);
  if (value === '' || !Number.isSafeInteger(n) || n < 0) return 'must be a whole number of 0 or more';
  return n;
}

function readMilliseconds(value: string): number | string {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0) return 'must be a number of milliseconds of 0 or more';
  return n;
}

/** The oldest waiting item: its time (ISO 8601 with an offset), or its age in seconds at the row's time. */
function readOldest(value: string, at: number): number | string {
  const instant = parseInstant(value);
  if (instant !== null) return instant;
  const seconds = Number(value);
  if (value === '' || !Number.isFinite(seconds) || seconds < 0) return 'must be a time (ISO 8601 with an offset) or an age in seconds';
  return at - seconds * 1000;
}
