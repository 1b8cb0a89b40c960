// Finds the PromQL in dashboards/*.json and alerts/*.rules.yml, names the metrics an expression
// reads, and substitutes Grafana's variables the way Grafana would. Pure, apart from reading files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DASHBOARD_DIR = join(ROOT, 'dashboards');

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: unknown;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { refId: string; expr: string; datasource?: unknown; instant?: boolean }[];
  panels?: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string; query?: unknown; definition?: string; datasource?: unknown }[] };
  panels: Panel[];
}

export interface FoundQuery {
  /** Where it was found, for failure messages. */
  readonly where: string;
  readonly expr: string;
}

export const dashboardFiles = (): string[] => readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json')).sort();

export const readDashboard = (file: string): Dashboard => JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard;

/** Every panel, rows' nested panels included. */
export const allPanels = (dashboard: Dashboard): Panel[] => dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

export function dashboardQueries(): FoundQuery[] {
  return dashboardFiles().flatMap((file) =>
    allPanels(readDashboard(file)).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({ where: `${file} panel ${panel.id} "${panel.title}" ${t.refId}`, expr: t.expr })),
    ),
  );
}

/** `label_values(<selector>, <label>)` of each query variable. */
export function variableQueries(): { where: string; selector: string; label: string }[] {
  return dashboardFiles().flatMap((file) =>
    readDashboard(file)
      .templating.list.filter((v) => v.type === 'query')
      .map((v) => {
        const match = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(v.definition ?? '');
        if (!match) throw new Error(`${file} variable ${v.name}: not a label_values(selector, label) query: ${v.definition}`);
        return { where: `${file} variable ${v.name}`, selector: match[1] as string, label: match[2] as string };
      }),
  );
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

export const RULE_FILES = ['alerts/jaga.rules.yml'];

export const readRules = (file: string): RuleFile => parse(readFileSync(join(ROOT, file), 'utf8')) as RuleFile;

export function ruleQueries(): FoundQuery[] {
  return RULE_FILES.flatMap((file) =>
    readRules(file).groups.flatMap((g) => g.rules.map((r) => ({ where: `${file} ${g.name}/${r.alert ?? r.record}`, expr: r.expr }))),
  );
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names an expression selects. Strings, label matchers, ranges and grouping label lists
 * are removed first; what is left that is neither a function call, a keyword nor a number is a name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[0-9.]+[a-zA-Z0-9_.]*|[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0];
    if (/^[0-9.]/.test(token) || KEYWORDS.has(token.toLowerCase())) continue;
    const after = stripped.slice((match.index ?? 0) + token.length);
    if (/^\s*\(/.test(after)) continue; // a function or an aggregation
    names.add(token);
  }
  return [...names].sort();
}

/** Grafana's regex escaping of a variable's value inside `=~"..."` (as PromQL string text). */
export const grafanaRegexEscape = (value: string): string => value.replace(/[\\^$*+?.()|[\]{}]/g, (c) => `\\\\${c}`);

/**
 * Replaces dashboard variables and Grafana's built-in intervals. `values` are the variables'
 * values; intervals are chosen for a 1s scrape interval. Leftover `$` means an unknown variable.
 */
export function substitute(expr: string, values: Readonly<Record<string, string>>, intervals: Readonly<Record<string, string>>): string {
  const out = expr.replace(/\$\{?(__[a-z_]+|[a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => {
    const value = name.startsWith('__') ? intervals[name] : values[name];
    if (value === undefined) throw new Error(`no value for ${whole} in: ${expr}`);
    return value;
  });
  return out;
}
