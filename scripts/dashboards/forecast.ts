// The halt forecast and the buffer mode on both dashboards: how long until jaga foresees recording
// having to stop (jaga_gate_halt_forecast_timestamp_seconds, per volume jaga_volume_halt_forecast_*),
// and whether recording goes on on local disk through a central outage (jaga_recording_buffering).
// Pure: panel drafts.
import { barGauge, stat, stateTimeline, timeSeries, type Mapping, type PanelDraft, type Threshold } from './grafana.js';
import { countOrZero, SEL, ZERO_IS_GOOD } from './jaga-common.js';

const DAY_S = 24 * 3600;

/** jaga exports +Inf when no halt is foreseen; Grafana cannot map +Inf, so queries clamp to 60 days (the forecast's horizon). */
export const FORECAST_CAP_SECONDS = 60 * DAY_S;

/** Seconds from now until a forecast timestamp, 0 at the least, FORECAST_CAP_SECONDS when none is foreseen. */
export const untilForecast = (metric: string): string => `clamp(${metric} - time(), 0, ${FORECAST_CAP_SECONDS})`;

const NONE_FORESEEN: readonly Mapping[] = [{ value: FORECAST_CAP_SECONDS, text: 'none foreseen', color: 'green' }];

/** Red within a day, orange within 3 (jaga's default halt_forecast.within, in working days there; wall-clock here). */
const FORECAST_THRESHOLDS: readonly Threshold[] = [
  { color: 'red', value: null },
  { color: 'orange', value: DAY_S },
  { color: 'green', value: 3 * DAY_S },
];

const BUFFERING_MAPPINGS: readonly Mapping[] = [
  { value: 1, text: 'buffering on local disk', color: 'orange' },
  { value: 0, text: 'normal', color: 'green' },
];

/** The office dashboard's section. */
export const officeForecast: readonly PanelDraft[] = [
  stat({
    title: 'Recording must halt in',
    description:
      "jaga's forecast, while recording is allowed: the earliest of a volume reaching halt_ratio, its room dropping under halt_eta of working time, and (buffering) the local disk holding less than buffer_min_hours. jaga's HaltForecast email and `jaga status` say when in working days, why and by which model.",
    width: 6,
    height: 5,
    unit: 's',
    queries: [{ expr: untilForecast(`jaga_gate_halt_forecast_timestamp_seconds{${SEL}}`) }],
    mappings: NONE_FORESEEN,
    thresholds: FORECAST_THRESHOLDS,
  }),
  stat({
    title: 'Buffer mode',
    description: 'on_central_down: buffer: recording goes on on local disk while the central server is unreachable.',
    width: 6,
    height: 5,
    queries: [{ expr: `jaga_recording_buffering{${SEL}}` }],
    mappings: BUFFERING_MAPPINGS,
  }),
  barGauge({
    title: 'Halt forecast per volume',
    description: 'When each volume is forecast to halt recording (halt_ratio, or its room under halt_eta of working time).',
    width: 12,
    height: 5,
    unit: 's',
    min: 0,
    queries: [{ expr: untilForecast(`jaga_volume_halt_forecast_timestamp_seconds{${SEL}}`), legend: '{{volume}}' }],
    mappings: NONE_FORESEEN,
    thresholds: FORECAST_THRESHOLDS,
  }),
  timeSeries({
    title: 'Halt forecast over time',
    description: 'How far ahead the halt was foreseen: a line falling one hour per hour is a forecast that holds; a line at the top (60 days, the forecast horizon) is no halt foreseen.',
    width: 12,
    height: 7,
    unit: 's',
    min: 0,
    queries: [
      // Capped, not filtered: +Inf (none foreseen) draws at the horizon instead of leaving a gap.
      { expr: `clamp_max(jaga_gate_halt_forecast_timestamp_seconds{${SEL}} - time(), ${FORECAST_CAP_SECONDS})`, legend: 'gate' },
      { expr: `clamp_max(jaga_volume_halt_forecast_timestamp_seconds{${SEL}} - time(), ${FORECAST_CAP_SECONDS})`, legend: '{{volume}}' },
    ],
  }),
  stateTimeline({
    title: 'Buffer mode over time',
    width: 12,
    height: 7,
    queries: [{ expr: `jaga_recording_buffering{${SEL}}`, legend: 'buffering' }],
    mappings: BUFFERING_MAPPINGS,
  }),
];

/** The fleet dashboard's section: which offices will have to halt soon, and which are buffering. */
export const fleetForecast: readonly PanelDraft[] = [
  stat({
    title: 'Offices forecast to halt within 3 days',
    description: 'Wall-clock days, as JagaHaltForecast counts them.',
    width: 6,
    height: 4,
    queries: [{ expr: countOrZero(`(jaga_gate_halt_forecast_timestamp_seconds{${SEL}} - time()) < 3 * ${DAY_S}`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: 'Offices buffering on local disk',
    description: 'Central unreachable, recording goes on (on_central_down: buffer).',
    width: 6,
    height: 4,
    queries: [{ expr: countOrZero(`jaga_recording_buffering{${SEL}} == 1`) }],
    thresholds: [{ color: 'green', value: null }, { color: 'orange', value: 1 }],
  }),
  barGauge({
    title: 'Soonest forecast halts',
    description: "jaga's halt forecast per site, the 10 soonest.",
    width: 12,
    height: 9,
    unit: 's',
    min: 0,
    queries: [{ expr: `bottomk(10, min by (site) (${untilForecast(`jaga_gate_halt_forecast_timestamp_seconds{${SEL}}`)}))`, legend: '{{site}}', instant: true }],
    mappings: NONE_FORESEEN,
    thresholds: FORECAST_THRESHOLDS,
  }),
];
