// The fleet dashboard (uid jaga-fleet): every office at once, for the national operations centre:
// which offices are halted and why, the fullest volumes, which will have to halt soon and which are
// buffering, the recordings waiting for upload per site,
// central availability per site. Pure.
import {
  barGauge,
  dashboard,
  datasourceVariable,
  labelVariable,
  layout,
  stat,
  stateTimeline,
  table,
  timeSeries,
  type Json,
} from './grafana.js';
import { countOrZero, ETA_MAPPINGS, ETA_THRESHOLDS, etaCapped, GATE_MAPPINGS, SEL, STORAGE_THRESHOLDS, ZERO_IS_GOOD } from './jaga-common.js';
import { fleetDataAtRisk } from './data-at-risk.js';
import { fleetForecast } from './forecast.js';

const now = [
  stat({ title: 'Offices watched', width: 4, height: 4, queries: [{ expr: `count(jaga_recording_allowed{${SEL}})` }], thresholds: [{ color: 'blue', value: null }] }),
  stat({ title: 'Offices halted', width: 4, height: 4, queries: [{ expr: countOrZero(`jaga_recording_allowed{${SEL}} == 0`) }], thresholds: ZERO_IS_GOOD }),
  stat({
    title: 'Central unreachable from',
    width: 4,
    height: 4,
    queries: [{ expr: countOrZero(`jaga_central_reachable{${SEL}} == 0`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: 'jaga not scraped',
    description: 'Recording stations that cannot reach jaga do not record: count these as halted too.',
    width: 4,
    height: 4,
    queries: [{ expr: countOrZero(`up{job="jaga", ${SEL}} == 0`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({
    title: 'Volumes above 85%',
    width: 4,
    height: 4,
    queries: [{ expr: countOrZero(`jaga_volume_used_ratio{${SEL}} >= 0.85`) }],
    thresholds: ZERO_IS_GOOD,
  }),
  stat({ title: "jaga's alerts firing", width: 4, height: 4, queries: [{ expr: `sum(jaga_alerts_firing{${SEL}}) or vector(0)` }], thresholds: ZERO_IS_GOOD }),
  table(
    {
      title: 'Halted offices and why',
      description: 'Click a site for its office dashboard.',
      width: 12,
      height: 9,
      queries: [{ expr: `max by (site, instance, reason) (jaga_recording_halt_reason{${SEL}} == 1)`, instant: true, format: 'table' }],
      noValue: 'No office is halted',
      overrides: [
        {
          matcher: { id: 'byName', options: 'site' },
          properties: [{ id: 'links', value: [{ title: 'Office dashboard', url: '/d/jaga-office/jaga-office?var-site=${__value.raw}&${__url_time_range}' }] }],
        },
      ],
    },
    { transformations: [{ id: 'organize', options: { excludeByName: { Time: true, Value: true }, indexByName: { site: 0, instance: 1, reason: 2 }, renameByName: {} } }] },
  ),
  stateTimeline({
    title: 'Gate by site',
    width: 12,
    height: 9,
    queries: [{ expr: `min by (site) (jaga_recording_allowed{${SEL}})`, legend: '{{site}}' }],
    mappings: GATE_MAPPINGS,
  }),
];

const storage = [
  barGauge({
    title: 'Fullest volumes',
    description: "Top 10. Lines at jaga's default warn (85%), halt (90%) and floor (95%) ratios.",
    width: 12,
    height: 9,
    unit: 'percentunit',
    min: 0,
    max: 1,
    queries: [{ expr: `topk(10, max by (site, volume) (jaga_volume_used_ratio{${SEL}}))`, legend: '{{site}} / {{volume}}', instant: true }],
    thresholds: STORAGE_THRESHOLDS,
  }),
  barGauge({
    title: 'Soonest full',
    description: "jaga's own time-to-full estimate, the 10 soonest.",
    width: 12,
    height: 9,
    unit: 's',
    queries: [{ expr: `bottomk(10, min by (site, volume) (${etaCapped(SEL)}))`, legend: '{{site}} / {{volume}}', instant: true }],
    mappings: ETA_MAPPINGS,
    thresholds: ETA_THRESHOLDS,
  }),
];

const central = [
  barGauge({
    title: 'Central availability over the time range',
    description: 'Share of the time range in which the central server was reachable from each site, worst first.',
    width: 12,
    height: 9,
    unit: 'percentunit',
    min: 0,
    max: 1,
    decimals: 2,
    queries: [{ expr: `sort(avg by (site) (avg_over_time(jaga_central_reachable{${SEL}}[$__range])))`, legend: '{{site}}', instant: true }],
    thresholds: [
      { color: 'red', value: null },
      { color: 'orange', value: 0.95 },
      { color: 'green', value: 0.99 },
    ],
  }),
  timeSeries({
    title: 'Central probe latency p95 by site',
    width: 12,
    height: 9,
    unit: 's',
    queries: [
      {
        expr: `histogram_quantile(0.95, sum by (le, site) (rate(jaga_probe_duration_seconds_bucket{${SEL}}[$__rate_interval]))) >= 0`,
        legend: '{{site}}',
      },
    ],
  }),
  timeSeries({
    title: "jaga's alerts firing by site",
    width: 12,
    height: 7,
    decimals: 0,
    min: 0,
    queries: [{ expr: `sum by (site) (jaga_alerts_firing{${SEL}})`, legend: '{{site}}' }],
  }),
  timeSeries({
    title: 'Unsent notifications by site',
    width: 12,
    height: 7,
    decimals: 0,
    min: 0,
    queries: [{ expr: `sum by (site) (jaga_outbox_pending{${SEL}})`, legend: '{{site}}' }],
  }),
];

export function fleetDashboard(): Json {
  return dashboard({
    uid: 'jaga-fleet',
    title: 'jaga / Fleet',
    description: 'Every office: which are halted and why, the fullest volumes, the recordings waiting for upload, central availability per site.',
    time: 'now-24h',
    variables: [
      datasourceVariable,
      labelVariable('site', 'Site', 'jaga_build_info', true),
      labelVariable('instance', 'Instance', 'jaga_build_info{site=~"$site"}', true),
    ],
    links: [{ title: 'Office', type: 'link', url: '/d/jaga-office/jaga-office', icon: 'dashboard', tooltip: 'One office in detail', targetBlank: false, asDropdown: false, includeVars: true, keepTime: true, tags: [] }],
    panels: layout([
      { title: 'Now', panels: now },
      { title: 'Storage', panels: storage },
      { title: 'Halt forecast and buffer mode', panels: fleetForecast },
      { title: 'Data at risk: recordings not yet uploaded', panels: fleetDataAtRisk },
      { title: 'Central server and alerts', panels: central },
    ]),
  });
}
