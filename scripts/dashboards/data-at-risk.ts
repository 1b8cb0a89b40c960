// The data at risk on both dashboards: recordings made in an office and not yet accepted by the
// central server (jaga_backlog_*), and whether uploads still succeed (jaga_heartbeat_*). Pure: panel drafts.
import { barGauge, stat, stateTimeline, timeSeries, type PanelDraft } from './grafana.js';
import { BACKLOG_AGE_THRESHOLDS, countOrZero, LATE_MAPPINGS, READABLE_MAPPINGS, SEL, ZERO_IS_GOOD } from './jaga-common.js';

/** The office dashboard's section: one office's backlog sources and heartbeats. */
export const officeDataAtRisk: readonly PanelDraft[] = [
  stat({
    title: 'Recordings waiting for upload',
    description: 'Recorded here, not yet accepted by the central server: in one copy only. All backlog sources together, by their last successful read.',
    width: 4,
    height: 5,
    decimals: 0,
    // `>= 0` drops the NaN of a source not read yet.
    queries: [{ expr: `sum(jaga_backlog_items{${SEL}} >= 0)` }],
    thresholds: [{ color: 'blue', value: null }],
    noValue: 'no backlog source',
  }),
  stat(
    {
      title: 'Last successful upload',
      description: "Each heartbeat's last ping: the upload client pings after every successful upload.",
      width: 4,
      height: 5,
      unit: 'dateTimeFromNow',
      queries: [{ expr: `jaga_heartbeat_last_timestamp_seconds{${SEL}} * 1000`, legend: '{{heartbeat}}' }],
      // jaga exports 0 until the first ping ever.
      mappings: [{ value: 0, text: 'none yet', color: 'red' }],
      thresholds: [{ color: 'blue', value: null }],
      noValue: 'no heartbeat',
    },
    'value_and_name',
  ),
  stateTimeline({
    title: 'Heartbeats late',
    description: 'Late: no ping for longer than the heartbeat\'s grace (UploadStalled; with halt: true also UPLOAD_STALLED).',
    width: 8,
    height: 5,
    queries: [{ expr: `jaga_heartbeat_late{${SEL}}`, legend: '{{heartbeat}}' }],
    mappings: LATE_MAPPINGS,
  }),
  stateTimeline({
    title: 'Backlog sources readable',
    description: 'Whether the last read of each source succeeded (BacklogSourceUnavailable when not).',
    width: 8,
    height: 5,
    queries: [{ expr: `jaga_backlog_available{${SEL}}`, legend: '{{source}}' }],
    mappings: READABLE_MAPPINGS,
  }),
  timeSeries({
    title: 'Recordings waiting, by source',
    description: 'Items each backlog source reports waiting for upload. jaga halts at a source\'s halt_items (BACKLOG_CRITICAL).',
    width: 12,
    height: 7,
    decimals: 0,
    min: 0,
    queries: [{ expr: `jaga_backlog_items{${SEL}}`, legend: '{{source}}' }],
  }),
  timeSeries(
    {
      title: 'Oldest waiting recording, by source',
      description: 'How long the oldest recording has waited for upload. Lines at a day (JagaBacklogWarning) and a week.',
      width: 12,
      height: 7,
      unit: 's',
      min: 0,
      queries: [{ expr: `jaga_backlog_oldest_age_seconds{${SEL}}`, legend: '{{source}}' }],
      thresholds: BACKLOG_AGE_THRESHOLDS,
    },
    { thresholdLines: true },
  ),
];

/** The fleet dashboard's section: which offices have uploads stalled, and where most recordings wait. */
export const fleetDataAtRisk: readonly PanelDraft[] = [
  stat({
    title: 'Offices with uploads stalled',
    description: 'At least one heartbeat late: no successful upload within its grace.',
    width: 6,
    height: 4,
    queries: [{ expr: countOrZero(`max by (site) (jaga_heartbeat_late{${SEL}}) == 1`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: 'Offices halted on the data at risk',
    description: 'Halted by BACKLOG_CRITICAL or UPLOAD_STALLED.',
    width: 6,
    height: 4,
    queries: [{ expr: countOrZero(`max by (site) (jaga_recording_halt_reason{${SEL}, reason=~"BACKLOG_CRITICAL|UPLOAD_STALLED"}) == 1`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: 'Backlog sources unreadable',
    width: 6,
    height: 4,
    queries: [{ expr: countOrZero(`jaga_backlog_available{${SEL}} == 0`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: 'Recordings waiting, all offices',
    description: 'Recorded, not yet accepted by the central server: in one copy only.',
    width: 6,
    height: 4,
    decimals: 0,
    queries: [{ expr: `sum(jaga_backlog_items{${SEL}} >= 0) or vector(0)` }],
    thresholds: [{ color: 'blue', value: null }],
  }),
  barGauge({
    title: 'Recordings waiting for upload, by site',
    description: 'Every backlog source of a site together, most first.',
    width: 12,
    height: 9,
    decimals: 0,
    min: 0,
    // `>= 0` drops the NaN of a source not read yet, which would make its site's sum NaN.
    queries: [{ expr: `sort_desc(sum by (site) (jaga_backlog_items{${SEL}} >= 0))`, legend: '{{site}}', instant: true }],
    thresholds: [{ color: 'blue', value: null }],
  }),
  barGauge({
    title: 'Oldest waiting recording, by site',
    description: 'How long the oldest recording of each site has waited for upload, longest first. Orange from a day (JagaBacklogWarning), red from a week.',
    width: 12,
    height: 9,
    unit: 's',
    min: 0,
    queries: [{ expr: `sort_desc(max by (site) (jaga_backlog_oldest_age_seconds{${SEL}} >= 0))`, legend: '{{site}}', instant: true }],
    thresholds: BACKLOG_AGE_THRESHOLDS,
  }),
];
