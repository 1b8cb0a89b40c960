// alerts/: the rules pass `promtool check rules` and their unit tests, every rule follows the mixin
// conventions and has a firing and a quiet unit test, and both Alertmanager configs pass amtool and
// route as documented. Spawns Debian's promtool and amtool.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { readRules, ROOT, RULE_FILES } from './promql.js';
import { runTool } from './run-tool.js';

const RUNBOOK_BASE = 'https://github.com/jaga-id/jaga/blob/main/README.md#';
/** Where the headings the runbook links point at are. */
const RUNBOOK_DOCS = ['README.md'];

const rules = RULE_FILES.flatMap((file) => readRules(file).groups.flatMap((g) => g.rules.map((r) => ({ file, group: g.name, ...r }))));
const alertRules = rules.filter((r) => r.alert !== undefined);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchors = new Set(
  RUNBOOK_DOCS.filter((f) => existsSync(join(ROOT, f))).flatMap((f) =>
    readFileSync(join(ROOT, f), 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => anchor(line.replace(/^#+ /, ''))),
  ),
);

describe('promtool', () => {
  for (const file of RULE_FILES) {
    test(`check rules ${file}`, () => {
      const run = runTool('promtool', ['check', 'rules', file]);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, new RegExp(`SUCCESS: ${alertRules.length} rules found`), run.output);
    });
  }

  test('test rules alerts/jaga.rules.test.yml', () => {
    const run = runTool('promtool', ['test', 'rules', 'alerts/jaga.rules.test.yml']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /SUCCESS/, run.output);
  });
});

describe('rule conventions (monitoring-mixins)', () => {
  test('the rules this repo promises exist', () => {
    assert.deepEqual(alertRules.map((r) => r.alert).sort(), [
      'JagaBacklogCritical',
      'JagaBacklogSourceUnavailable',
      'JagaBacklogWarning',
      'JagaCentralUnreachable',
      'JagaDown',
      'JagaHaltForecast',
      'JagaOutboxBacklog',
      'JagaProbesStale',
      'JagaRecordingHalted',
      'JagaStorageCritical',
      'JagaStorageFillingUp',
      'JagaStorageWarning',
      'JagaUploadStalled',
    ]);
  });

  for (const rule of alertRules) {
    test(`${rule.alert}: severity, for, summary, description with site and instance, runbook_url`, () => {
      assert.ok(['critical', 'warning'].includes(rule.labels?.severity ?? ''), `severity: ${rule.labels?.severity}`);
      assert.match(rule.for ?? '', /^\d+[smh]$/, 'every rule waits a stated time');
      const a = rule.annotations ?? {};
      assert.deepEqual(Object.keys(a).sort(), ['description', 'runbook_url', 'summary']);
      assert.match(a.summary ?? '', /\{\{ \$labels\.site \}\}/);
      assert.match(a.description ?? '', /\{\{ \$labels\.site \}\}/);
      assert.match(a.description ?? '', /\{\{ \$labels\.instance \}\}/);
      const url = a.runbook_url ?? '';
      assert.ok(url.startsWith(RUNBOOK_BASE), url);
      const target = url.slice(RUNBOOK_BASE.length);
      assert.ok(anchors.has(target), `#${target} is no heading in ${RUNBOOK_DOCS.join(' or ')}`);
    });
  }

  test('expressions keep the target labels: no aggregation `by (...)` that would drop site', () => {
    for (const rule of alertRules) assert.doesNotMatch(rule.expr, /\bby\s*\(/, `${rule.alert}: ${rule.expr}`);
  });
});

describe('unit tests cover every rule, firing and quiet', () => {
  interface UnitTests {
    rule_files: string[];
    tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
  }
  const unit = parse(readFileSync(join(ROOT, 'alerts/jaga.rules.test.yml'), 'utf8')) as UnitTests;
  const cases = unit.tests.flatMap((t) => t.alert_rule_test ?? []);

  test('the unit tests load the rule file under test', () => {
    assert.deepEqual(unit.rule_files, ['jaga.rules.yml']);
  });

  for (const rule of alertRules) {
    test(`${rule.alert}`, () => {
      const mine = cases.filter((c) => c.alertname === rule.alert);
      assert.ok(mine.some((c) => c.exp_alerts.length > 0), `no case where ${rule.alert} fires`);
      assert.ok(mine.some((c) => c.exp_alerts.length === 0), `no case where ${rule.alert} stays quiet`);
    });
  }
});

describe('Alertmanager', () => {
  const CONFIGS = ['alerts/alertmanager.example.yml', 'deploy/alertmanager.yml'];

  for (const file of CONFIGS) {
    test(`amtool check-config ${file}`, () => {
      const run = runTool('amtool', ['check-config', file]);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /SUCCESS/, run.output);
    });

    test(`${file}: grouped by site and alertname; warnings inhibited by a critical at the same site`, () => {
      const config = parse(readFileSync(join(ROOT, file), 'utf8')) as {
        route: { group_by: string[] };
        inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
      };
      assert.deepEqual(config.route.group_by, ['site', 'alertname']);
      assert.ok(
        config.inhibit_rules.some(
          (r) => r.source_matchers.includes('severity="critical"') && r.target_matchers.includes('severity="warning"') && r.equal.includes('site'),
        ),
      );
    });
  }

  const routes = (file: string, labels: string[]): string => {
    const run = runTool('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
    assert.equal(run.status, 0, run.output);
    return run.output.split('\n').filter((line) => line !== '' && !line.startsWith('$') && !line.startsWith('Warning'))[0] ?? '';
  };

  test('example: critical alerts reach department heads (and operators), warnings only operators', () => {
    const file = 'alerts/alertmanager.example.yml';
    assert.equal(routes(file, ['alertname=JagaRecordingHalted', 'severity=critical', 'site=sampit']), 'department-heads,operators');
    assert.equal(routes(file, ['alertname=JagaRecordingHalted', 'severity=critical', 'site=palangkaraya']), 'department-head-palangkaraya,operators');
    assert.equal(routes(file, ['alertname=JagaStorageWarning', 'severity=warning', 'site=sampit']), 'operators');
  });

  test('example: the halt forecast, a warning, reaches department heads too, and no critical alert inhibits it', () => {
    const file = 'alerts/alertmanager.example.yml';
    assert.equal(routes(file, ['alertname=JagaHaltForecast', 'severity=warning', 'site=sampit']), 'department-heads,operators');
    assert.equal(routes(file, ['alertname=JagaHaltForecast', 'severity=warning', 'site=palangkaraya']), 'department-head-palangkaraya,operators');
    const config = parse(readFileSync(join(ROOT, file), 'utf8')) as { inhibit_rules: { target_matchers: string[] }[] };
    const warnings = config.inhibit_rules.find((r) => r.target_matchers.includes('severity="warning"'));
    assert.ok(warnings?.target_matchers.includes('alertname!="JagaHaltForecast"'), JSON.stringify(warnings));
  });

  test('compose: critical alerts reach the department head\'s Mailpit inbox too', () => {
    assert.equal(routes('deploy/alertmanager.yml', ['alertname=JagaDown', 'severity=critical', 'site=demo-kantor']), 'department-heads,operators');
  });
});
