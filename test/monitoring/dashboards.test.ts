// dashboards/: the committed JSON is exactly what scripts/dashboards.ts generates, each dashboard is
// well-formed for Grafana (ids, layout, the datasource variable, site/instance), every metric it (or an
// alert rule) names is on a live jaga's /metrics, and the provisioning files agree with docker-compose.yml.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { renderDashboards } from '../../scripts/dashboards/render.js';
import { fastCentral, fastStorage, httpTarget, NO_FILL_RATE_HALT } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { JagaProcess } from '../helpers/jaga-process.js';
import { allPanels, DASHBOARD_DIR, dashboardFiles, dashboardQueries, metricNames, readDashboard, ROOT, ruleQueries, variableQueries } from './promql.js';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Series Prometheus makes itself for every scrape target; jaga cannot export them. */
const PROMETHEUS_MADE = new Set(['up']);
const GRAFANA_BUILTINS = new Set(['__rate_interval', '__interval', '__range', '__value', '__url_time_range', '__data']);

test('the committed dashboards are exactly what scripts/dashboards.ts generates', () => {
  const generated = renderDashboards();
  assert.deepEqual(dashboardFiles(), [...generated.keys()].sort(), 'dashboards/*.json and the generator list the same files');
  for (const [name, text] of generated) {
    assert.equal(readFileSync(join(DASHBOARD_DIR, name), 'utf8'), text, `${name} is stale: run npx tsx scripts/dashboards.ts`);
  }
});

test('stable uids, one per file', () => {
  assert.deepEqual(
    dashboardFiles().map((f) => [f, readDashboard(f).uid]),
    [
      ['jaga-fleet.json', 'jaga-fleet'],
      ['jaga-office.json', 'jaga-office'],
    ],
  );
});

for (const file of dashboardFiles()) {
  describe(file, () => {
    const dashboard = readDashboard(file);
    const panels = allPanels(dashboard);
    const withQueries = panels.filter((p) => p.type !== 'row');

    test('recent schemaVersion', () => {
      assert.ok(dashboard.schemaVersion >= 39, `schemaVersion ${dashboard.schemaVersion}`);
    });

    test('unique panel ids', () => {
      const ids = panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(',')}`);
      assert.ok(ids.every((id) => Number.isInteger(id) && id > 0));
    });

    test('panels fit the 24-column grid and do not overlap', () => {
      for (const p of panels) assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `panel ${p.id} "${p.title}" ${JSON.stringify(p.gridPos)}`);
      for (const a of panels) {
        for (const b of panels) {
          if (a.id >= b.id) continue;
          const overlap =
            a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
          assert.ok(!overlap, `panels ${a.id} "${a.title}" and ${b.id} "${b.title}" overlap`);
        }
      }
    });

    test('a prometheus datasource variable, and site and instance variables using it', () => {
      const vars = dashboard.templating.list;
      const ds = vars.find((v) => v.name === 'datasource');
      assert.equal(ds?.type, 'datasource');
      assert.equal(ds?.query, 'prometheus');
      for (const name of ['site', 'instance']) {
        const v = vars.find((x) => x.name === name);
        assert.equal(v?.type, 'query', `${name} variable`);
        assert.deepEqual(v?.datasource, DATASOURCE, `${name} variable's datasource`);
      }
    });

    test('every panel and every query uses the datasource variable', () => {
      assert.ok(withQueries.length > 0);
      for (const p of withQueries) {
        assert.deepEqual(p.datasource, DATASOURCE, `panel ${p.id} "${p.title}"`);
        assert.ok((p.targets ?? []).length > 0, `panel ${p.id} "${p.title}" has no query`);
        for (const t of p.targets ?? []) assert.deepEqual(t.datasource, DATASOURCE, `panel ${p.id} "${p.title}" ${t.refId}`);
      }
      // No hard-wired datasource anywhere else either (only Grafana's own annotation source).
      const uids = [...JSON.stringify(dashboard).matchAll(/"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(uids)].sort(), ['${datasource}', '-- Grafana --', dashboard.uid].sort());
    });

    test('every query narrows by $site and $instance, and uses only known variables', () => {
      const known = new Set(dashboard.templating.list.map((v) => v.name));
      for (const p of withQueries) {
        for (const t of p.targets ?? []) {
          assert.match(t.expr, /site=~"\$site"/, `panel ${p.id} "${p.title}" ${t.refId}: ${t.expr}`);
          assert.match(t.expr, /instance=~"\$instance"/, `panel ${p.id} "${p.title}" ${t.refId}: ${t.expr}`);
          for (const m of t.expr.matchAll(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)/g)) {
            const name = m[1] as string;
            assert.ok(known.has(name) || GRAFANA_BUILTINS.has(name), `panel ${p.id} "${p.title}": unknown variable $${name}`);
          }
        }
      }
    });
  });
}

describe('every metric the dashboards and alert rules name is on a live jaga\'s /metrics', () => {
  let central: FakeCentral;
  let jaga: JagaProcess;
  let volume: string;
  let exposed: Set<string>;

  before(async () => {
    central = await FakeCentral.start();
    volume = mkdtempSync(join(tmpdir(), 'jaga-vol-'));
    jaga = await JagaProcess.create({
      central: fastCentral([httpTarget(central.url)]),
      storage: fastStorage([{ name: 'rekaman', path: volume, ...NO_FILL_RATE_HALT }]),
      // The backlog and heartbeat series exist from the first scrape, for each one configured.
      backlog: { sources: [{ name: 'spool', type: 'directory', path: volume }] },
      heartbeats: [{ name: 'unggah', grace: '1h' }],
    });
    await jaga.start();
    // Volume gauges appear with the first measurement: wait until every probe has reported once.
    await jaga.waitFor(async () => (await jaga.fetch('/readyz')).status === 200, 15_000, 'jaga to be ready');
    const text = await (await jaga.fetch('/metrics')).text();
    exposed = new Set(text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0] as string));
  });

  after(async () => {
    await jaga?.cleanup();
    await central?.close();
    if (volume) rmSync(volume, { recursive: true, force: true });
  });

  test('the extraction finds the metrics (so that the next test cannot pass empty)', () => {
    assert.deepEqual(metricNames('sum by (le) (rate(a_bucket{x="y{z}"}[5m])) > 0 unless on (i) b offset 1h or vector(0)'), ['a_bucket', 'b']);
    assert.ok(exposed.has('jaga_recording_allowed') && exposed.has('jaga_probe_duration_seconds_bucket'));
  });

  test('panels', () => {
    const queries = dashboardQueries();
    assert.ok(queries.length > 30, `only ${queries.length} queries found`);
    const missing = queries.flatMap((q) => metricNames(q.expr).filter((n) => !exposed.has(n) && !PROMETHEUS_MADE.has(n)).map((n) => `${q.where}: ${n}`));
    assert.deepEqual(missing, []);
    for (const q of queries) assert.ok(metricNames(q.expr).length > 0, `${q.where} names no metric: ${q.expr}`);
  });

  test('alert rules (a misspelt metric would make a rule that never fires)', () => {
    const missing = ruleQueries().flatMap((q) => metricNames(q.expr).filter((n) => !exposed.has(n) && !PROMETHEUS_MADE.has(n)).map((n) => `${q.where}: ${n}`));
    assert.deepEqual(missing, []);
  });

  test('variables', () => {
    for (const v of variableQueries()) {
      for (const name of metricNames(v.selector)) assert.ok(exposed.has(name), `${v.where}: ${name}`);
    }
  });
});

describe('provisioning', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
  const grafanaMounts = new Map(
    (compose.services.grafana?.volumes ?? []).map((v) => {
      const [source, target] = v.split(':');
      return [source as string, target as string];
    }),
  );

  test('the datasource is the compose Prometheus, a prometheus datasource', () => {
    const file = parse(readFileSync(join(ROOT, 'dashboards/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { type: string; url: string }[];
    };
    assert.equal(file.datasources.length, 1);
    assert.equal(file.datasources[0]?.type, 'prometheus');
    assert.equal(file.datasources[0]?.url, 'http://prometheus:9090');
    assert.ok('prometheus' in compose.services);
    assert.equal(grafanaMounts.get('./dashboards/provisioning'), '/etc/grafana/provisioning');
  });

  test('the dashboard provider reads the folder compose mounts dashboards/ at', () => {
    const file = parse(readFileSync(join(ROOT, 'dashboards/provisioning/dashboards/jaga.yml'), 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    assert.equal(file.providers[0]?.type, 'file');
    assert.equal(file.providers[0]?.options.path, grafanaMounts.get('./dashboards'));
  });
});
