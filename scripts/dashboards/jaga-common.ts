// What both jaga dashboards share: the selector every query starts from, jaga's default thresholds
// and the value mappings of its 0/1 gauges. Pure constants.
import type { Mapping, Threshold } from './grafana.js';

/** Every jaga query is narrowed by the dashboard's site and instance variables. */
export const SEL = 'site=~"$site", instance=~"$instance"';

/**
 * jaga does not export its per-volume thresholds, so the dashboards draw its defaults (warn_ratio
 * 0.85, halt_ratio 0.90, floor_ratio 0.95), the same lines alerts/jaga.rules.yml warns at.
 */
export const STORAGE_THRESHOLDS: readonly Threshold[] = [
  { color: 'green', value: null },
  { color: 'orange', value: 0.85 },
  { color: 'red', value: 0.9 },
  { color: 'dark-red', value: 0.95 },
];

/** jaga exports +Inf when a volume is not filling; Grafana cannot map +Inf, so queries clamp it to a year. */
export const ETA_CAP_SECONDS = 365 * 24 * 3600;
export const etaCapped = (selector: string): string => `clamp_max(jaga_volume_full_eta_seconds{${selector}}, ${ETA_CAP_SECONDS})`;
export const ETA_MAPPINGS: readonly Mapping[] = [{ value: ETA_CAP_SECONDS, text: 'not filling', color: 'green' }];
/** Red under jaga's default halt_eta (4h), orange under a day (JagaStorageFillingUp's horizon). */
export const ETA_THRESHOLDS: readonly Threshold[] = [
  { color: 'red', value: null },
  { color: 'orange', value: 4 * 3600 },
  { color: 'green', value: 24 * 3600 },
];

export const GATE_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'ALLOWED', color: 'green' },
  { value: 0, text: 'HALTED', color: 'red' },
];
export const UP_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'up', color: 'green' },
  { value: 0, text: 'down', color: 'red' },
];
export const REACHABLE_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'reachable', color: 'green' },
  { value: 0, text: 'unreachable', color: 'red' },
];
export const ACTIVE_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'active', color: 'red' },
  { value: 0, text: 'no', color: 'transparent' },
];
export const FIRING_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'firing', color: 'red' },
  { value: 0, text: 'ok', color: 'transparent' },
];

export const LATE_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'late', color: 'red' },
  { value: 0, text: 'in time', color: 'green' },
];
export const READABLE_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'readable', color: 'green' },
  { value: 0, text: 'unavailable', color: 'red' },
];

/**
 * A recording waiting a day for upload is where alerts/jaga.rules.yml's JagaBacklogWarning warns (jaga
 * does not export each source's warn_* limits); a week is long past any office's upload rhythm.
 */
export const BACKLOG_AGE_THRESHOLDS: readonly Threshold[] = [
  { color: 'green', value: null },
  { color: 'orange', value: 24 * 3600 },
  { color: 'red', value: 7 * 24 * 3600 },
];

/** Counts that must show 0, not "No data", when nothing matches. */
export const countOrZero = (expr: string): string => `count(${expr}) or vector(0)`;

/** Red when a count of bad things is above zero. */
export const ZERO_IS_GOOD: readonly Threshold[] = [
  { color: 'green', value: null },
  { color: 'red', value: 1 },
];
