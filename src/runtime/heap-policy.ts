// How far jaga lets V8's heap grow. Process-wide, so applied once by the entry point (bin.ts) before
// the rest of jaga loads. Sets V8 flags at run time: no I/O.
//
// V8 sizes its heap for throughput on machines with memory to spare: the young generation doubles up to
// two 16 MiB semi-spaces, the old one may reach four times what was live after a full collection, and
// WebAssembly that gets hot is recompiled by the optimising compiler. For jaga, whose live heap is about
// 25 MiB, that meant a peak of 146-160 MiB with 1,000 targets: 32 MiB of young generation, an old
// generation twice its live size, and a 35 MiB spike while undici's HTTP parser (WebAssembly) was
// optimised. Measured with the benchmark (README, Performance), the settings below take about 40 MiB
// off the peak.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * Each semi-space of the young generation stops growing here (V8: 16 MiB). Smaller costs CPU: at
 * 1 MiB, 500 probes a second took eight times as many scavenges and about 10% more CPU per probe.
 */
export const MAX_SEMI_SPACE_MIB = 4;

/**
 * The old generation may grow to (1 + this / 100) times what was live after a full collection. V8
 * starts marking as soon as less room is left than the young generation holds (8 MiB here): at 30%
 * of jaga's 25 MiB that was at once after every collection, 40 full collections instead of 6 over
 * 200 scrapes of /metrics, and each scrape 40% slower.
 */
export const OLD_GENERATION_GROWTH_PERCENT = 50;

/** The flags this policy sets, and their launch-time kin: a user who gives any of them has chosen, and jaga changes nothing. */
const HEAP_FLAG = /(^|\s)--(no-)?(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|max-old-space-size|heap-growing-percent|liftoff-only)(?=[=\s]|$)/;

/** True when node was started with flags of its own that size the heap (argv or NODE_OPTIONS). */
export function heapSizedByUser(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((flag) => HEAP_FLAG.test(flag)) || HEAP_FLAG.test(nodeOptions ?? '');
}

export function applyHeapPolicy(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
  // Liftoff, V8's baseline WebAssembly compiler, only: optimising undici's parser cost a 35 MiB peak
  // of compiler memory and no measurable CPU per probe once done. Read when undici compiles the parser,
  // on the first HTTP probe.
  v8.setFlagsFromString('--liftoff-only');
  capYoungGeneration(MAX_SEMI_SPACE_MIB * 2 ** 20);
}

/** V8's own growth factor for the young generation, restored whenever it is below the cap. */
const SEMI_SPACE_GROWTH_FACTOR = 2;

/**
 * V8 fixes the young generation's maximum when the process starts (--max-semi-space-size); what it
 * still reads at every growth step is the growth factor. So the young generation doubles as usual until
 * its semi-spaces reach the cap (sizes are powers of two), then the factor becomes 1 and it stops. V8
 * also shrinks the young generation (after a full collection, when little is allocated), and a factor
 * of 1 would keep it shrunk for good: stuck at 1 MiB semi-spaces, /metrics scrapes with 1,000 targets
 * took 16 ms instead of 14. So the factor follows the size after every collection. It sees the size only
 * once the collection's event reaches the event loop: a synchronous burst that grows the young
 * generation twice before then leaves it one doubling past the cap, until V8 next shrinks it.
 */
function capYoungGeneration(maxSemiSpaceBytes: number): void {
  let capped = false;
  const follow = (): void => {
    // new_space holds both semi-spaces.
    const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (newSpace === undefined) return;
    const atCap = newSpace.space_size >= 2 * maxSemiSpaceBytes;
    if (atCap === capped) return;
    v8.setFlagsFromString(`--semi-space-growth-factor=${atCap ? 1 : SEMI_SPACE_GROWTH_FACTOR}`);
    capped = atCap;
  };
  follow();
  // The young generation only changes size in a collection.
  new PerformanceObserver(follow).observe({ entryTypes: ['gc'] });
}
