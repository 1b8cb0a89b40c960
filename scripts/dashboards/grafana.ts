// Typed builders for the few Grafana dashboard JSON shapes jaga's dashboards use (schemaVersion 39,
// Grafana 10.4+). Pure: values in, plain JSON objects out; layout and ids are assigned in order.

export const SCHEMA_VERSION = 39;

/** Every panel and target points at the dashboard's datasource variable, never at a fixed uid. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Query {
  readonly expr: string;
  readonly legend?: string;
  /** Instant queries for "now" panels (tables, bar gauges); range queries otherwise. */
  readonly instant?: boolean;
  readonly format?: 'time_series' | 'table';
}

export interface Threshold {
  readonly color: string;
  /** null is Grafana's "base" step. */
  readonly value: number | null;
}

export type Mapping = { readonly value: number; readonly text: string; readonly color: string };

export interface PanelSpec {
  readonly title: string;
  readonly description?: string;
  readonly queries: readonly Query[];
  readonly width: number;
  readonly height: number;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  readonly thresholds?: readonly Threshold[];
  readonly mappings?: readonly Mapping[];
  readonly noValue?: string;
  /** Field overrides as Grafana writes them; used sparingly (e.g. a second axis). */
  readonly overrides?: readonly Json[];
}

type PanelKind = 'stat' | 'gauge' | 'bargauge' | 'timeseries' | 'state-timeline' | 'table';

/** A panel before layout: everything but id and gridPos. */
export interface PanelDraft {
  readonly kind: PanelKind;
  readonly spec: PanelSpec;
  readonly options: { [key: string]: Json };
  readonly custom: { [key: string]: Json };
  readonly extra?: { [key: string]: Json };
}

const target = (query: Query, index: number): Json => ({
  datasource: DATASOURCE,
  refId: String.fromCharCode(65 + index),
  expr: query.expr,
  legendFormat: query.legend ?? '__auto',
  range: !query.instant,
  instant: query.instant ?? false,
  format: query.format ?? 'time_series',
  editorMode: 'code',
});

const mappingsJson = (mappings: readonly Mapping[]): Json[] =>
  mappings.length === 0
    ? []
    : [
        {
          type: 'value',
          options: Object.fromEntries(mappings.map((m, index) => [String(m.value), { text: m.text, color: m.color, index }])),
        },
      ];

const thresholdsJson = (steps: readonly Threshold[] | undefined): Json => ({
  mode: 'absolute',
  steps: (steps ?? [{ color: 'green', value: null }]).map((s) => ({ color: s.color, value: s.value })),
});

function render(draft: PanelDraft, id: number, gridPos: { x: number; y: number; w: number; h: number }): Json {
  const { spec } = draft;
  const defaults: { [key: string]: Json } = {
    color: { mode: draft.kind === 'timeseries' ? 'palette-classic' : 'thresholds' },
    custom: draft.custom,
    mappings: mappingsJson(spec.mappings ?? []),
    thresholds: thresholdsJson(spec.thresholds),
  };
  if (spec.unit !== undefined) defaults.unit = spec.unit;
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.decimals !== undefined) defaults.decimals = spec.decimals;
  if (spec.noValue !== undefined) defaults.noValue = spec.noValue;
  return {
    id,
    type: draft.kind,
    title: spec.title,
    description: spec.description ?? '',
    datasource: DATASOURCE,
    gridPos,
    targets: spec.queries.map(target),
    fieldConfig: { defaults, overrides: [...(spec.overrides ?? [])] },
    options: draft.options,
    ...draft.extra,
  };
}

const legend = (show: boolean): Json => ({ showLegend: show, displayMode: 'list', placement: 'bottom', calcs: [] });
const reduceLast: Json = { calcs: ['lastNotNull'], fields: '', values: false };

export const stat = (spec: PanelSpec, textMode: 'auto' | 'name' | 'value' | 'value_and_name' = 'auto'): PanelDraft => ({
  kind: 'stat',
  spec,
  custom: {},
  options: { reduceOptions: reduceLast, colorMode: 'background', graphMode: 'none', justifyMode: 'auto', orientation: 'auto', textMode, wideLayout: true },
});

export const gauge = (spec: PanelSpec): PanelDraft => ({
  kind: 'gauge',
  spec,
  custom: {},
  options: { reduceOptions: reduceLast, orientation: 'auto', showThresholdLabels: false, showThresholdMarkers: true },
});

export const barGauge = (spec: PanelSpec): PanelDraft => ({
  kind: 'bargauge',
  spec,
  custom: {},
  options: { reduceOptions: reduceLast, orientation: 'horizontal', displayMode: 'gradient', showUnfilled: true, valueMode: 'color', namePlacement: 'auto', sizing: 'auto' },
});

export const timeSeries = (spec: PanelSpec, style: { bars?: boolean; thresholdLines?: boolean; stack?: boolean } = {}): PanelDraft => ({
  kind: 'timeseries',
  spec,
  custom: {
    drawStyle: style.bars ? 'bars' : 'line',
    lineWidth: 1,
    fillOpacity: style.bars ? 80 : 10,
    showPoints: 'never',
    spanNulls: false,
    stacking: { mode: style.stack ? 'normal' : 'none', group: 'A' },
    axisPlacement: 'auto',
    // Thresholds drawn as dashed lines: where jaga warns and halts.
    thresholdsStyle: { mode: style.thresholdLines ? 'dashed' : 'off' },
  },
  options: { legend: legend(true), tooltip: { mode: 'multi', sort: 'desc' } },
});

export const stateTimeline = (spec: PanelSpec): PanelDraft => ({
  kind: 'state-timeline',
  spec,
  custom: { fillOpacity: 80, lineWidth: 0 },
  options: { showValue: 'auto', mergeValues: true, alignValue: 'left', rowHeight: 0.9, legend: legend(false), tooltip: { mode: 'single', sort: 'none' } },
});

export const table = (spec: PanelSpec, extra: { [key: string]: Json } = {}): PanelDraft => ({
  kind: 'table',
  spec,
  custom: { align: 'auto', cellOptions: { type: 'auto' } },
  options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], countRows: false } },
  extra,
});

/** Lays panels out in rows of 24 columns: a titled row, then its panels left to right, wrapping. */
export function layout(sections: readonly { readonly title: string; readonly panels: readonly PanelDraft[] }[]): Json[] {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const section of sections) {
    panels.push({ id: id++, type: 'row', title: section.title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const draft of section.panels) {
      const { width: w, height: h } = draft.spec;
      if (x + w > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      panels.push(render(draft, id++, { x, y, w, h }));
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return panels;
}

export const datasourceVariable: Json = {
  name: 'datasource',
  label: 'Data source',
  type: 'datasource',
  query: 'prometheus',
  current: {},
  hide: 0,
  refresh: 1,
  regex: '',
  options: [],
  includeAll: false,
  multi: false,
};

/** A variable filled by `label_values(<selector>, <label>)`; `all` adds an "All" option matching `.*`. */
export function labelVariable(name: string, label: string, selector: string, all: boolean): Json {
  const query = `label_values(${selector}, ${name})`;
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    definition: query,
    // The classic string form: every Grafana since 7 reads it (newer ones migrate it on load).
    query,
    current: {},
    hide: 0,
    refresh: 2,
    regex: '',
    sort: 1,
    options: [],
    multi: all,
    includeAll: all,
    ...(all ? { allValue: '.*' } : {}),
  };
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly Json[];
  readonly panels: readonly Json[];
  readonly links?: readonly Json[];
  readonly time?: string;
}

export function dashboard(spec: DashboardSpec): Json {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['jaga'],
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '30s',
    time: { from: spec.time ?? 'now-6h', to: 'now' },
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    links: [...(spec.links ?? [])],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: [...spec.variables] },
    panels: [...spec.panels],
  };
}
