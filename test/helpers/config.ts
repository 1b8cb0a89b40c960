// The config of a jaga that probes every second, as tests that run the service write it. Pure, except
// `tempVolume`, which creates an empty directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Probe every second with a 500 ms timeout: the schedule of every test that spawns jaga. */
export const FAST = { schedule: '* * * * * *', timeout: '500ms' } as const;

type Keys = Record<string, unknown>;

/** `central:` on the fast schedule; `extra` adds or replaces keys (`failure_threshold`, `timeout`, ...). */
export function fastCentral(targets: readonly unknown[], extra: Keys = {}): Keys {
  return { ...FAST, ...extra, targets };
}

/** `storage:` on the fast schedule; `extra` adds or replaces keys. */
export function fastStorage(volumes: readonly unknown[], extra: Keys = {}): Keys {
  return { ...FAST, ...extra, volumes };
}

/** One HTTP central target, `pusat` unless named. */
export function httpTarget(url: string, name = 'pusat'): Keys {
  return { name, type: 'http', url };
}

/**
 * The fill-rate judgement off (`halt_eta: 0s`: no STORAGE_FILLING, no forecast, so no HaltForecast), for
 * a volume on the shared temporary filesystem: other tests running beside fill and empty it within
 * seconds, so its fill rate says nothing about the test at hand (it once halted one with STORAGE_FILLING,
 * and a HaltForecast email once reached a test that counted emails). Tests of the fill rate and the
 * forecast use a filesystem of their own (tmpfs or loop device).
 */
export const NO_FILL_RATE_HALT = { halt_eta: '0s' } as const;

/** Volume `rekaman` (unless named) on a new empty directory of the shared temporary filesystem. */
export function tempVolume(name = 'rekaman'): Keys {
  return { name, path: mkdtempSync(join(tmpdir(), 'jaga-vol-')), ...NO_FILL_RATE_HALT };
}

/**
 * A whole config: HTTP target `pusat` on `centralUrl` and volume `rekaman` on a new directory, both
 * probed every second. `overrides` adds or replaces top-level keys (`gate`, `alerts`, or a `central`
 * built with `fastCentral`).
 */
export function fastConfig(centralUrl: string, overrides: Keys = {}): Keys {
  return {
    central: fastCentral([httpTarget(centralUrl)]),
    storage: fastStorage([tempVolume()]),
    ...overrides,
  };
}
