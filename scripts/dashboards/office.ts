// The office dashboard (uid jaga-office): one jaga, its gate with reasons, the central server, the halt
// forecast and buffer mode, the recording volumes, the recordings not yet uploaded and the uploads' heartbeats, its alerts and
// outbox, and jaga's own health. Pure: returns the dashboard JSON.
import {
  barGauge,
  dashboard,
  datasourceVariable,
  gauge,
  labelVariable,
  layout,
  stat,
  stateTimeline,
  timeSeries,
  type Json,
} from './grafana.js';
import { EVENT_LOOP_SAMPLE_MS } from '../../src/runtime/metrics.js';
import {
  ACTIVE_MAPPINGS,
  ETA_MAPPINGS,
  ETA_THRESHOLDS,
  etaCapped,
  FIRING_MAPPINGS,
  GATE_MAPPINGS,
  REACHABLE_MAPPINGS,
  SEL,
  STORAGE_THRESHOLDS,
  UP_MAPPINGS,
  ZERO_IS_GOOD,
} from './jaga-common.js';
import { officeDataAtRisk } from './data-at-risk.js';
import { officeForecast } from './forecast.js';

const byName = (name: string, properties: Json[]): Json => ({ matcher: { id: 'byName', options: name }, properties });

const gate = [
  stat({ title: 'Gate', width: 4, height: 5, queries: [{ expr: `jaga_recording_allowed{${SEL}}` }], mappings: GATE_MAPPINGS }),
  stat(
    {
      title: 'Halted by',
      description: 'The reasons holding the gate now (stable codes, see README "The gate and its reasons").',
      width: 8,
      height: 5,
      queries: [{ expr: `jaga_recording_halt_reason{${SEL}} == 1`, legend: '{{reason}}' }],
      thresholds: [{ color: 'red', value: null }],
      noValue: 'nothing: recording allowed',
    },
    'name',
  ),
  stat({
    title: 'Central server',
    width: 4,
    height: 5,
    queries: [{ expr: `jaga_central_reachable{${SEL}}` }],
    mappings: REACHABLE_MAPPINGS,
  }),
  stat({
    title: 'Halts in the time range',
    width: 4,
    height: 5,
    queries: [{ expr: `sum(increase(jaga_gate_transitions_total{${SEL}, to="halted"}[$__range]))` }],
    decimals: 0,
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: "jaga's alerts firing",
    width: 4,
    height: 5,
    queries: [{ expr: `sum(jaga_alerts_firing{${SEL}})` }],
    thresholds: ZERO_IS_GOOD,
  }),
  stateTimeline({
    title: 'Gate and reasons',
    description: 'The gate, and each reason while it held the gate halted.',
    width: 24,
    height: 8,
    queries: [
      { expr: `jaga_recording_allowed{${SEL}}`, legend: 'gate' },
      // Only while active: a row appears for the reasons that actually held the gate in the range.
      { expr: `jaga_recording_halt_reason{${SEL}} == 1`, legend: '{{reason}}' },
    ],
    mappings: ACTIVE_MAPPINGS,
    overrides: [byName('gate', [{ id: 'mappings', value: [{ type: 'value', options: { '1': { text: 'ALLOWED', color: 'green', index: 0 }, '0': { text: 'HALTED', color: 'red', index: 1 } } }] }])],
  }),
];

const central = [
  stateTimeline({
    title: 'Central targets',
    description: 'Each target after failure_threshold / recovery_threshold (down or not yet known is 0).',
    width: 12,
    height: 7,
    queries: [{ expr: `jaga_target_up{${SEL}}`, legend: '{{target}}' }],
    mappings: UP_MAPPINGS,
  }),
  timeSeries({
    title: 'Probe latency p95',
    description: 'Whole probes, failed ones included, from jaga_probe_duration_seconds (buckets 5ms..2.5s, so values between buckets are interpolated).',
    width: 12,
    height: 7,
    unit: 's',
    // `>= 0` drops the NaN of a target without probes in the window, which would only clutter the legend.
    queries: [{ expr: `histogram_quantile(0.95, sum by (le, target) (rate(jaga_probe_duration_seconds_bucket{${SEL}}[$__rate_interval]))) >= 0`, legend: '{{target}}' }],
  }),
  timeSeries({
    title: 'Probe phases',
    description: 'Where a probe spends its time: dns, connect, tls, first_byte, transfer (jaga_probe_phase_seconds: each from the latest probe that reached it).',
    width: 12,
    height: 7,
    unit: 's',
    queries: [{ expr: `jaga_probe_phase_seconds{${SEL}}`, legend: '{{target}} {{phase}}' }],
  }),
  timeSeries(
    {
      title: 'Failed probes by class',
      width: 12,
      height: 7,
      decimals: 0,
      queries: [{ expr: `sum by (target, reason) (increase(jaga_probe_failures_total{${SEL}}[$__rate_interval])) > 0`, legend: '{{target}}: {{reason}}' }],
      noValue: 'no failed probes',
    },
    { bars: true, stack: true },
  ),
  timeSeries(
    {
      title: 'Consecutive failures',
      description: 'A target is down after failure_threshold consecutive failures (3 by default, the dashed line).',
      width: 12,
      height: 7,
      decimals: 0,
      min: 0,
      queries: [{ expr: `jaga_target_consecutive_failures{${SEL}}`, legend: '{{target}}' }],
      thresholds: [{ color: 'green', value: null }, { color: 'red', value: 3 }],
    },
    { thresholdLines: true },
  ),
];

const storage = [
  gauge({
    title: 'Volume used',
    description: 'df semantics. Lines at jaga\'s default warn (85%), halt (90%) and floor (95%) ratios.',
    width: 6,
    height: 7,
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: `jaga_volume_used_ratio{${SEL}}`, legend: '{{volume}}' }],
    thresholds: STORAGE_THRESHOLDS,
  }),
  barGauge({
    title: 'Time to full',
    description: "jaga's own estimate (least squares over fill_window). jaga halts below halt_eta (4h by default).",
    width: 6,
    height: 7,
    unit: 's',
    queries: [{ expr: etaCapped(SEL), legend: '{{volume}}' }],
    mappings: ETA_MAPPINGS,
    thresholds: ETA_THRESHOLDS,
  }),
  timeSeries(
    {
      title: 'Volume used over time',
      width: 12,
      height: 7,
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [{ expr: `jaga_volume_used_ratio{${SEL}}`, legend: '{{volume}}' }],
      thresholds: STORAGE_THRESHOLDS,
    },
    { thresholdLines: true },
  ),
  timeSeries({
    title: 'Available space, and where the 6h trend puts it in 24h',
    description: 'Below zero in 24h is what JagaStorageFillingUp warns about.',
    width: 12,
    height: 7,
    unit: 'bytes',
    queries: [
      { expr: `jaga_volume_avail_bytes{${SEL}}`, legend: '{{volume}} available' },
      { expr: `predict_linear(jaga_volume_avail_bytes{${SEL}}[6h], 24 * 3600)`, legend: '{{volume}} in 24h at the 6h trend' },
    ],
  }),
  timeSeries(
    {
      title: 'Inodes used',
      width: 6,
      height: 7,
      unit: 'percentunit',
      min: 0,
      max: 1,
      queries: [{ expr: `jaga_volume_files_used_ratio{${SEL}}`, legend: '{{volume}}' }],
      thresholds: STORAGE_THRESHOLDS,
    },
    { thresholdLines: true },
  ),
  stateTimeline({
    title: 'Volume trusted',
    description: 'statfs answers, the path is the configured mount, and the write probe succeeds.',
    width: 6,
    height: 7,
    queries: [{ expr: `jaga_volume_available{${SEL}}`, legend: '{{volume}}' }],
    mappings: [
      { value: 1, text: 'trusted', color: 'green' },
      { value: 0, text: 'unavailable', color: 'red' },
    ],
  }),
];

const alerts = [
  stateTimeline({
    title: "jaga's alerts",
    description: "jaga's built-in alerts, which it emails itself (alerts.recipients).",
    width: 12,
    height: 7,
    queries: [{ expr: `jaga_alerts_firing{${SEL}}`, legend: '{{alertname}} ({{severity}})' }],
    mappings: FIRING_MAPPINGS,
  }),
  timeSeries(
    {
      title: 'Outbox',
      description: 'Notifications not yet accepted by the mail server, and the age of the oldest (JagaOutboxBacklog at 15 minutes).',
      width: 6,
      height: 7,
      decimals: 0,
      min: 0,
      queries: [
        { expr: `jaga_outbox_pending{${SEL}}`, legend: 'pending' },
        { expr: `jaga_outbox_oldest_age_seconds{${SEL}}`, legend: 'oldest age' },
      ],
      overrides: [byName('oldest age', [{ id: 'unit', value: 's' }, { id: 'custom.axisPlacement', value: 'right' }])],
    },
  ),
  timeSeries(
    {
      title: 'Notifications',
      width: 6,
      height: 7,
      decimals: 0,
      queries: [{ expr: `sum by (channel, result) (increase(jaga_notifications_total{${SEL}}[$__rate_interval]))`, legend: '{{channel}} {{result}}' }],
    },
    { bars: true, stack: true },
  ),
];

const self = [
  stat({ title: 'Scraped', width: 4, height: 5, queries: [{ expr: `up{job="jaga", ${SEL}}` }], mappings: UP_MAPPINGS }),
  stat({ title: 'Version', width: 4, height: 5, queries: [{ expr: `jaga_build_info{${SEL}}`, legend: '{{version}} (node {{nodejs}})' }], thresholds: [{ color: 'blue', value: null }] }, 'name'),
  stat({ title: 'Running for', width: 4, height: 5, unit: 's', queries: [{ expr: `time() - process_start_time_seconds{${SEL}}` }], thresholds: [{ color: 'blue', value: null }] }),
  timeSeries(
    {
      title: 'Store errors and skipped probes',
      description: 'Failed writes to jaga\'s SQLite state, and probes skipped because the previous one had not finished.',
      width: 6,
      height: 5,
      decimals: 0,
      queries: [
        { expr: `sum(increase(jaga_store_errors_total{${SEL}}[$__rate_interval]))`, legend: 'store errors' },
        { expr: `sum by (target) (increase(jaga_probe_skipped_total{${SEL}}[$__rate_interval]))`, legend: 'skipped {{target}}' },
      ],
    },
    { bars: true },
  ),
  timeSeries({
    title: 'Memory and event loop',
    width: 6,
    height: 5,
    unit: 'bytes',
    queries: [
      { expr: `process_resident_memory_bytes{${SEL}}`, legend: 'resident memory' },
      // The percentiles include the histogram's sampling interval; what is left is the delay.
      { expr: `clamp_min(nodejs_eventloop_lag_p99_seconds{${SEL}} - ${EVENT_LOOP_SAMPLE_MS / 1000}, 0)`, legend: 'event loop delay p99' },
    ],
    overrides: [byName('event loop delay p99', [{ id: 'unit', value: 's' }, { id: 'custom.axisPlacement', value: 'right' }])],
  }),
];

export function officeDashboard(): Json {
  return dashboard({
    uid: 'jaga-office',
    title: 'jaga / Office',
    description: 'One office: the recording gate and its reasons, the central server, the recording volumes, the recordings not yet uploaded, alerts.',
    variables: [
      datasourceVariable,
      labelVariable('site', 'Site', 'jaga_build_info', false),
      labelVariable('instance', 'Instance', 'jaga_build_info{site=~"$site"}', false),
    ],
    links: [{ title: 'Fleet', type: 'link', url: '/d/jaga-fleet/jaga-fleet', icon: 'dashboard', tooltip: 'All offices', targetBlank: false, asDropdown: false, includeVars: false, keepTime: true, tags: [] }],
    panels: layout([
      { title: 'Recording gate', panels: gate },
      { title: 'Central server', panels: central },
      { title: 'Halt forecast and buffer mode', panels: officeForecast },
      { title: 'Recording volumes', panels: storage },
      { title: 'Data at risk: recordings not yet uploaded', panels: officeDataAtRisk },
      { title: 'Alerts and notifications', panels: alerts },
      { title: 'jaga itself', panels: self },
    ]),
  });
}
