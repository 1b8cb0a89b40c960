// A real Prometheus (Debian's) on 127.0.0.1 scrapes a real jaga that watches a tmpfs volume and a local
// central server, while the test drives a storage warning and then a halt. Then every PromQL expression
// in dashboards/*.json and alerts/*.yml goes through Prometheus's /api/v1/query: each must parse, and
// each dashboard query must return data; the alerts must fire in /api/v1/alerts, carrying `site`.
//
// The rules are loaded from a temp copy with every `for:` rewritten to 0s, so alerts fire within
// seconds rather than after minutes; the `for:` durations themselves are pinned by promtool's unit
// tests (alerts/jaga.rules.test.yml). Needs root for the tmpfs mount, like the other storage tests.
import assert from 'node:assert/strict';
import { statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { PrometheusProcess, type AlertAnswer } from './prometheus.js';
import { dashboardQueries, grafanaRegexEscape, readRules, ruleQueries, RULE_FILES, substitute, variableQueries } from './promql.js';
import { fastCentral, fastStorage, httpTarget } from '../helpers/config.js';

const SITE = 'uji';
/** A second target in the jaga job where nothing listens: JagaDown's `up == 0`, at another site. */
const DEAD_SITE = 'mati';
/** Grafana's built-ins for a 1s scrape interval ($__rate_interval is at least 4 scrape intervals). */
const INTERVALS = { __rate_interval: '10s', __interval: '1s', __range: '1m' };

let tmpfs: Tmpfs | undefined;
let central: FakeCentral | undefined;
let jaga: JagaProcess | undefined;
let prometheus: PrometheusProcess | undefined;

/** Writes a file that brings the tmpfs to `ratio` used (df semantics; tmpfs reserves nothing). */
function fillTo(dir: string, ratio: number, name: string): void {
  const fs = statfsSync(dir);
  const size = fs.blocks * fs.bsize;
  const used = size - fs.bfree * fs.bsize;
  writeFileSync(join(dir, name), Buffer.alloc(Math.ceil(ratio * size - used)));
}

const firing = (alerts: AlertAnswer[], site: string): string[] =>
  alerts
    .filter((a) => a.state === 'firing' && a.labels.site === site)
    .map((a) => a.labels.alertname as string)
    .sort();

before(async () => {
  tmpfs = mountTmpfs('size=8m');
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    site: SITE,
    central: fastCentral([httpTarget(central.url)], { failure_threshold: 2 }),
    storage: fastStorage([{ name: 'rekaman', path: tmpfs.dir }]),
    gate: { resume_after: '1s' },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'the gate to open after start');

  const rules = readRules(RULE_FILES[0] as string);
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for !== undefined) rule.for = '0s';
  prometheus = await PrometheusProcess.start(
    {
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: ['jaga.rules.yml'],
      scrape_configs: [
        {
          job_name: 'jaga',
          static_configs: [
            { targets: [`127.0.0.1:${jaga.port}`], labels: { site: SITE } },
            { targets: [`127.0.0.1:${await freePort()}`], labels: { site: DEAD_SITE } },
          ],
        },
      ],
    },
    { 'jaga.rules.yml': stringify(rules) },
  );
});

after(async () => {
  // Each step on its own, so one failure does not leave a process running or a tmpfs mounted.
  await prometheus?.stop().catch(() => undefined);
  await jaga?.cleanup().catch(() => undefined);
  await central?.close().catch(() => undefined);
  tmpfs?.remove();
});

describe('a real Prometheus scraping a real jaga', () => {
  test('scrapes jaga with its site label, several samples deep', async () => {
    const p = prometheus as PrometheusProcess;
    let last = '';
    await p.waitFor(
      async () => {
        const answer = await p.query(`count_over_time(jaga_recording_allowed{job="jaga", site="${SITE}"}[1m]) >= 3`);
        last = JSON.stringify(answer);
        return (answer.data?.result.length ?? 0) === 1;
      },
      20_000,
      'three scrapes of jaga',
      () => last,
    );
  });

  test('a volume at 87% fires JagaStorageWarning for it, with the site', async () => {
    const p = prometheus as PrometheusProcess;
    fillTo((tmpfs as Tmpfs).dir, 0.87, 'fill-1');
    let alerts: AlertAnswer[] = [];
    await p.waitFor(
      async () => {
        alerts = await p.alerts();
        return firing(alerts, SITE).includes('JagaStorageWarning');
      },
      15_000,
      'JagaStorageWarning to fire',
      () => JSON.stringify(alerts),
    );
    const warning = alerts.find((a) => a.labels.alertname === 'JagaStorageWarning' && a.state === 'firing');
    assert.equal(warning?.labels.volume, 'rekaman');
    assert.equal(warning?.labels.severity, 'warning');
    assert.match(warning?.annotations.summary ?? '', /^Recording volume rekaman at uji is 8\d(\.\d+)?% full\.$/);
  });

  test('central refused and the volume at 92%: the halt fires, with its reasons in the text', async () => {
    const p = prometheus as PrometheusProcess;
    await (central as FakeCentral).set('refuse');
    fillTo((tmpfs as Tmpfs).dir, 0.92, 'fill-2');
    await (jaga as JagaProcess).waitForGate(
      (g) => g.state === 'halted' && hasReason(g, 'CENTRAL_UNREACHABLE') && hasReason(g, 'STORAGE_CRITICAL'),
      15_000,
      'jaga to halt on the central server and the volume',
    );
    let alerts: AlertAnswer[] = [];
    const expected = { [SITE]: ['JagaCentralUnreachable', 'JagaRecordingHalted', 'JagaStorageCritical'], [DEAD_SITE]: ['JagaDown'] };
    await p.waitFor(
      async () => {
        alerts = await p.alerts();
        // Exactly these: the warning gives way to the critical, and nothing else (stale probes,
        // outbox, filling up with under an hour of history) fires by mistake.
        const halted = alerts.find((a) => a.labels.alertname === 'JagaRecordingHalted');
        return (
          JSON.stringify({ [SITE]: firing(alerts, SITE), [DEAD_SITE]: firing(alerts, DEAD_SITE) }) === JSON.stringify(expected) &&
          // The text is rendered at each evaluation: wait until it has caught up with both reasons.
          /Active reasons: .*CENTRAL_UNREACHABLE.*STORAGE_CRITICAL/.test(halted?.annotations.description ?? '')
        );
      },
      20_000,
      `exactly ${JSON.stringify(expected)} firing`,
      () => JSON.stringify(alerts.filter((a) => a.state === 'firing').map((a) => [a.labels, a.annotations.description])),
    );
    const halted = alerts.find((a) => a.labels.alertname === 'JagaRecordingHalted');
    assert.equal(halted?.labels.severity, 'critical');
    assert.equal(halted?.labels.instance, `127.0.0.1:${(jaga as JagaProcess).port}`);
    const unreachable = alerts.find((a) => a.labels.alertname === 'JagaCentralUnreachable');
    assert.match(unreachable?.annotations.description ?? '', /Targets down: pusat\./);
    const critical = alerts.find((a) => a.labels.alertname === 'JagaStorageCritical');
    assert.match(critical?.annotations.description ?? '', /Used: rekaman 9\d(\.\d+)?%\./);
  });

  test('every dashboard query parses and returns data', async () => {
    const p = prometheus as PrometheusProcess;
    const values = { site: SITE, instance: grafanaRegexEscape(`127.0.0.1:${(jaga as JagaProcess).port}`) };
    const queries = dashboardQueries();
    assert.ok(queries.length > 30);
    const problems: string[] = [];
    for (const q of queries) {
      const expr = substitute(q.expr, values, INTERVALS);
      const answer = await p.query(expr);
      if (answer.status !== 'success') problems.push(`${q.where}: ${answer.errorType}: ${answer.error}\n  ${expr}`);
      else if ((answer.data?.result.length ?? 0) === 0) problems.push(`${q.where}: no data\n  ${expr}`);
    }
    assert.deepEqual(problems, []);
  });

  test('every dashboard variable finds this jaga', async () => {
    const p = prometheus as PrometheusProcess;
    const expected: Record<string, string> = { site: SITE, instance: `127.0.0.1:${(jaga as JagaProcess).port}` };
    for (const v of variableQueries()) {
      const answer = await p.query(substitute(v.selector, { site: SITE }, INTERVALS));
      assert.equal(answer.status, 'success', `${v.where}: ${answer.error}`);
      const found = new Set(answer.data?.result.map((r) => r.metric[v.label]));
      assert.ok(found.has(expected[v.label]), `${v.where}: ${v.label} values ${[...found].join(', ')}`);
    }
  });

  test('every alert rule expression parses in Prometheus', async () => {
    const p = prometheus as PrometheusProcess;
    const queries = ruleQueries();
    assert.equal(queries.length, 8);
    const problems: string[] = [];
    for (const q of queries) {
      const answer = await p.query(q.expr);
      if (answer.status !== 'success') problems.push(`${q.where}: ${answer.errorType}: ${answer.error}`);
    }
    assert.deepEqual(problems, []);
  });
});
