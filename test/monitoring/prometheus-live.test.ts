// A real Prometheus (Debian's) on 127.0.0.1 scrapes a real jaga that watches a tmpfs volume, a local
// central server, a spool of recordings waiting for upload (one of them two days old), a spool that
// does not exist and an upload heartbeat nobody pings, while the test drives a storage warning, the
// data-at-risk alerts, a halt, and a halt on the backlog. Then every PromQL expression
// in dashboards/*.json and alerts/*.yml goes through Prometheus's /api/v1/query: each must parse, and
// each dashboard query must return data; the alerts must fire in /api/v1/alerts, carrying `site`.
//
// The rules are loaded from a temp copy with every `for:` rewritten to 0s, so alerts fire within
// seconds rather than after minutes; the `for:` durations themselves are pinned by promtool's unit
// tests (alerts/jaga.rules.test.yml). Needs root for the tmpfs mount, like the other storage tests.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statfsSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { PrometheusProcess, type AlertAnswer } from './prometheus.js';
import { dashboardQueries, grafanaRegexEscape, readRules, ruleQueries, RULE_FILES, substitute, variableQueries } from './promql.js';
import { FAST, fastCentral, fastStorage, httpTarget } from '../helpers/config.js';

const SITE = 'uji';
/** A second target in the jaga job where nothing listens: JagaDown's `up == 0`, at another site. */
const DEAD_SITE = 'mati';
/** Items at which the spool halts recording (BACKLOG_CRITICAL); it starts with three. */
const SPOOL_HALT_ITEMS = 5;
const DAY_MS = 86_400_000;
/** Grafana's built-ins for a 1s scrape interval ($__rate_interval is at least 4 scrape intervals). */
const INTERVALS = { __rate_interval: '10s', __interval: '1s', __range: '1m' };

let tmpfs: Tmpfs | undefined;
let central: FakeCentral | undefined;
let jaga: JagaProcess | undefined;
let prometheus: PrometheusProcess | undefined;
/** Recordings waiting for upload, on the shared temporary filesystem (not on the volume's tmpfs). */
let spool: string | undefined;

/** A recording in the spool, made `ageMs` ago. */
function record(name: string, ageMs = 0): void {
  const file = join(spool as string, name);
  writeFileSync(file, Buffer.alloc(1000));
  const at = new Date(Date.now() - ageMs);
  utimesSync(file, at, at);
}

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
  spool = mkdtempSync(join(tmpdir(), 'jaga-spool-'));
  record('a.zip', 2 * DAY_MS);
  record('b.zip');
  record('c.zip');
  jaga = await JagaProcess.create({
    site: SITE,
    central: fastCentral([httpTarget(central.url)], { failure_threshold: 2 }),
    storage: fastStorage([{ name: 'rekaman', path: tmpfs.dir }]),
    backlog: {
      ...FAST,
      sources: [
        { name: 'spool', type: 'directory', path: spool, halt_items: SPOOL_HALT_ITEMS },
        { name: 'hilang', type: 'directory', path: join(spool, 'does-not-exist') },
      ],
    },
    // Never pinged: late two seconds after start. Not halting, so the gate opens all the same.
    heartbeats: [{ name: 'unggah', grace: '2s' }],
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
  if (spool) rmSync(spool, { recursive: true, force: true });
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

  test('a two-day-old recording, a late heartbeat and a missing spool fire the data-at-risk alerts, with their labels', async () => {
    const p = prometheus as PrometheusProcess;
    const wanted = ['JagaBacklogSourceUnavailable', 'JagaBacklogWarning', 'JagaUploadStalled'];
    let alerts: AlertAnswer[] = [];
    await p.waitFor(
      async () => {
        alerts = await p.alerts();
        const fired = firing(alerts, SITE);
        // The description's counts are rendered at each evaluation: wait until the spool's was read.
        const stalled = alerts.find((a) => a.labels.alertname === 'JagaUploadStalled');
        return wanted.every((name) => fired.includes(name)) && /Recordings waiting: 3\./.test(stalled?.annotations.description ?? '');
      },
      20_000,
      `${wanted.join(', ')} to fire`,
      () => JSON.stringify(alerts.filter((a) => a.state === 'firing').map((a) => [a.labels, a.annotations.description])),
    );
    const one = (name: string) => alerts.find((a) => a.labels.alertname === name && a.state === 'firing');
    const warning = one('JagaBacklogWarning');
    assert.equal(warning?.labels.source, 'spool');
    assert.equal(warning?.labels.severity, 'warning');
    assert.match(warning?.annotations.summary ?? '', /^Recordings at uji have waited 2d 0h \d+m \d+s for upload \(spool\)\.$/);
    assert.match(warning?.annotations.description ?? '', /holds\s+3\s+recordings not yet accepted/);
    const stalled = one('JagaUploadStalled');
    assert.equal(stalled?.labels.heartbeat, 'unggah');
    assert.equal(stalled?.labels.severity, 'critical');
    assert.match(stalled?.annotations.description ?? '', /Last successful upload: none recorded\./);
    // halt: false, so no word of a halt.
    assert.doesNotMatch(stalled?.annotations.description ?? '', /UPLOAD_STALLED/);
    const unreadable = one('JagaBacklogSourceUnavailable');
    assert.equal(unreadable?.labels.source, 'hilang');
    assert.equal(alerts.filter((a) => a.labels.alertname === 'JagaBacklogSourceUnavailable').length, 1, 'the spool that reads is not unavailable');
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
    const expected = {
      [SITE]: ['JagaBacklogSourceUnavailable', 'JagaBacklogWarning', 'JagaCentralUnreachable', 'JagaRecordingHalted', 'JagaStorageCritical', 'JagaUploadStalled'],
      [DEAD_SITE]: ['JagaDown'],
    };
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

  test('the spool over halt_items halts on BACKLOG_CRITICAL: JagaBacklogCritical takes over from the warning', async () => {
    const p = prometheus as PrometheusProcess;
    for (let i = 3; i < SPOOL_HALT_ITEMS; i += 1) record(`n${i}.zip`);
    await (jaga as JagaProcess).waitForGate((g) => hasReason(g, 'BACKLOG_CRITICAL'), 15_000, 'jaga to halt on the backlog');
    let alerts: AlertAnswer[] = [];
    await p.waitFor(
      async () => {
        alerts = await p.alerts();
        const fired = firing(alerts, SITE);
        const critical = alerts.find((a) => a.labels.alertname === 'JagaBacklogCritical');
        return fired.includes('JagaBacklogCritical') && !fired.includes('JagaBacklogWarning') && /Waiting: spool 5\./.test(critical?.annotations.description ?? '');
      },
      20_000,
      'JagaBacklogCritical to fire and JagaBacklogWarning to give way',
      () => JSON.stringify(alerts.filter((a) => a.state === 'firing').map((a) => [a.labels, a.annotations.description])),
    );
    const critical = alerts.find((a) => a.labels.alertname === 'JagaBacklogCritical');
    assert.equal(critical?.labels.severity, 'critical');
    assert.equal(critical?.labels.site, SITE);
    assert.equal(critical?.labels.source, undefined, 'jaga_recording_halt_reason carries no source');
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
    assert.equal(queries.length, 13);
    const problems: string[] = [];
    for (const q of queries) {
      const answer = await p.query(q.expr);
      if (answer.status !== 'success') problems.push(`${q.where}: ${answer.errorType}: ${answer.error}`);
    }
    assert.deepEqual(problems, []);
  });
});
