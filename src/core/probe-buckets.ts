// Hourly summaries of one target's probes: enough to give availability and outage runs for any span
// of whole hours without reading the samples again. Pure: the one fold that the store applies as
// samples are written and the report applies to the few samples at a period's ragged edges.

/**
 * One clock hour (UTC). Indonesia's zones (WIB, WITA, WIT) start their days on one, so days are exact
 * there; `time_zone` takes any IANA zone, and in a half-hour zone a day's edge may be off by half an hour.
 */
export const BUCKET_MS = 3_600_000;

export interface ProbeSample {
  readonly target: string;
  readonly at: number;
  readonly ok: boolean;
}

export interface OutageRun {
  readonly target: string;
  readonly start: number;
  readonly end: number;
}

/** One target's probes within one hour, folded in time order. */
export interface ProbeBucket {
  readonly target: string;
  /** The hour's start (epoch ms, a multiple of BUCKET_MS). */
  readonly start: number;
  readonly probes: number;
  readonly ok: number;
  readonly firstAt: number;
  readonly lastAt: number;
  /** The first good probe: it ends the run of failures going on before it. Null: none was good. */
  readonly firstOkAt: number | null;
  /** The first failed probe of the run still going at lastAt (firstAt when none was good), or null. */
  readonly failingSince: number | null;
  /** The longest run that began after firstOkAt and ended at a good probe of this hour; the earliest of equals. */
  readonly longest: OutageRun | null;
}

export const bucketStart = (at: number): number => Math.floor(at / BUCKET_MS) * BUCKET_MS;

/** `bucket` with `sample` added; samples come in time order, and `bucket` is null or the sample's hour. */
export function addProbe(bucket: ProbeBucket | null, sample: ProbeSample): ProbeBucket {
  if (bucket === null) {
    return {
      target: sample.target,
      start: bucketStart(sample.at),
      probes: 1,
      ok: sample.ok ? 1 : 0,
      firstAt: sample.at,
      lastAt: sample.at,
      firstOkAt: sample.ok ? sample.at : null,
      failingSince: sample.ok ? null : sample.at,
      longest: null,
    };
  }
  const counted = { ...bucket, probes: bucket.probes + 1, lastAt: sample.at };
  if (!sample.ok) return { ...counted, failingSince: bucket.failingSince ?? sample.at };
  const ended: OutageRun | null =
    bucket.firstOkAt !== null && bucket.failingSince !== null ? { target: bucket.target, start: bucket.failingSince, end: sample.at } : null;
  return {
    ...counted,
    ok: bucket.ok + 1,
    firstOkAt: bucket.firstOkAt ?? sample.at,
    failingSince: null,
    longest: ended !== null && (bucket.longest === null || length(ended) > length(bucket.longest)) ? ended : bucket.longest,
  };
}

const length = (run: OutageRun) => run.end - run.start;

/**
 * Samples in time order (targets interleaved) folded into buckets, each given out once its target's
 * next hour begins and the rest at the end: a stream of any length holds one bucket per target.
 */
export function* foldSamples(samples: Iterable<ProbeSample>): Generator<ProbeBucket> {
  const open = new Map<string, ProbeBucket>();
  for (const sample of samples) {
    const current = open.get(sample.target) ?? null;
    if (current !== null && current.start !== bucketStart(sample.at)) {
      yield current;
      open.set(sample.target, addProbe(null, sample));
    } else {
      open.set(sample.target, addProbe(current, sample));
    }
  }
  yield* open.values();
}

/** Samples in time order as buckets in time order (stable: targets keep their order within an hour). */
export function bucketSamples(samples: Iterable<ProbeSample>): ProbeBucket[] {
  return [...foldSamples(samples)].sort((a, b) => a.start - b.start);
}

/**
 * Outage runs of each target from its buckets in time order: from a target's first failed probe to its
 * next good one, or to `until` for a run still going. Closed runs in the order they ended, then open ones.
 * Within a bucket only its longest inner run is kept; that is all the report asks of them.
 */
export function outageRuns(buckets: Iterable<ProbeBucket>, until: number): OutageRun[] {
  const closed: OutageRun[] = [];
  const failingSince = new Map<string, number>();
  for (const b of buckets) {
    const since = failingSince.get(b.target);
    if (b.firstOkAt === null) {
      if (since === undefined) failingSince.set(b.target, b.firstAt);
      continue;
    }
    const leading = since ?? (b.firstAt < b.firstOkAt ? b.firstAt : undefined);
    if (leading !== undefined) closed.push({ target: b.target, start: leading, end: b.firstOkAt });
    if (b.longest !== null) closed.push(b.longest);
    if (b.failingSince === null) failingSince.delete(b.target);
    else failingSince.set(b.target, b.failingSince);
  }
  // Stable: runs ending together keep the order the buckets came in.
  closed.sort((a, b) => a.end - b.end);
  const open = [...failingSince].map(([target, start]) => ({ target, start, end: until })).sort((a, b) => a.start - b.start);
  return [...closed, ...open];
}
