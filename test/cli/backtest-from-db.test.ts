// `jaga backtest --from-db`: a data_dir's jaga.db, filled by the test through the store's repositories as
// jaga writes it, replayed read-only. The example's samples stored give the example's exact JSON; backlog
// reads, pings and failed volume probes are replayed; --since cuts; an absent or foreign database is
// refused. Real SQLite files in a temporary directory.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { backtest } from '../../src/cli/backtest.js';
import { knownSubjects } from '../../src/cli/backtest-sources.js';
import { runCli } from '../../src/cli/cli.js';
import { parseConfig } from '../../src/config/load.js';
import { parseTimeline, type TimelineEvent } from '../../src/core/timeline.js';
import { catalogue } from '../../src/i18n/catalogue.js';
import { openStore, type Store } from '../../src/store/sqlite.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/backtest/', import.meta.url));
const EXAMPLE_CONFIG = readFileSync(join(EXAMPLE, 'jaga.yaml'), 'utf8');
const MIN = 60_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jaga-backtest-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The example's config with data_dir set to the test's directory, written next to it. */
function configFile(yaml = EXAMPLE_CONFIG): string {
  const file = join(dir, 'jaga.yaml');
  writeFileSync(file, `${yaml}\ndata_dir: ${JSON.stringify(dir)}\n`);
  return file;
}

/** Stores each event as jaga's engine would have: one sample row per probe, a ping per heartbeat. */
function store(events: readonly TimelineEvent[], into: Store): void {
  into.transaction(() => {
    for (const e of events) {
      switch (e.kind) {
        case 'target':
          into.samples.appendTargets([
            e.result.ok
              ? { ok: true, durationMs: e.result.durationMs, phases: {}, detail: '200', target: e.name, at: e.at }
              : { ok: false, failure: 'timeout', durationMs: e.result.durationMs, phases: {}, detail: 'timeout', target: e.name, at: e.at },
          ]);
          break;
        case 'volume':
          into.samples.appendVolumes([
            e.result.ok
              ? { ok: true, durationMs: 3, deviceId: 2049, ...e.result.usage, volume: e.name, at: e.at }
              : { ok: false, failure: e.result.failure, durationMs: 3, detail: 'x', volume: e.name, at: e.at },
          ]);
          break;
        case 'backlog':
          into.dataAtRisk.appendBacklogs([
            e.result.ok ? { ...e.result, durationMs: 2, source: e.name, at: e.at } : { ok: false, failure: e.result.failure, durationMs: 2, detail: 'x', source: e.name, at: e.at },
          ]);
          break;
        case 'heartbeat':
          into.dataAtRisk.ping(e.name, e.at, e.itemsSent);
          break;
      }
    }
  });
}

function eventsOf(yaml: string, csv: string): readonly TimelineEvent[] {
  const parsed = parseTimeline(csv, knownSubjects(parseConfig(yaml, 'x.yaml', {})));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
  return parsed.events;
}

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {}, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the stored samples of the example', () => {
  test('replay to exactly the JSON of its timeline, and leave the database as it was', async () => {
    const db = join(dir, 'jaga.db');
    const written = openStore(db);
    store(eventsOf(EXAMPLE_CONFIG, readFileSync(join(EXAMPLE, 'timeline.csv'), 'utf8')), written);
    written.close();
    const before = sha(db);
    const { code, out, err } = await cli(['backtest', '--config', configFile(), '--from-db', '--json']);
    assert.equal(err, '');
    assert.equal(code, 0);
    assert.equal(`${out}\n`, readFileSync(join(EXAMPLE, 'expected.json'), 'utf8'));
    assert.equal(sha(db), before, 'the backtest opened the database read-only');
  });

  test('while jaga still has the database open (WAL), and --since cuts the replay', async () => {
    const written = openStore(join(dir, 'jaga.db'));
    try {
      store(eventsOf(EXAMPLE_CONFIG, readFileSync(join(EXAMPLE, 'timeline.csv'), 'utf8')), written);
      const { code, out } = await cli(['backtest', '--config', configFile(), '--from-db', '--since', '2026-12-07T10:30:00+07:00', '--json']);
      assert.equal(code, 0);
      const json = JSON.parse(out) as { transitions: { at: string; state: string; reasons: string[] }[] };
      // From 10:30 on: a first decision there (no storage halt before it to clear), then the volume's
      // gap and its stale probes as in the whole replay.
      assert.deepEqual(
        json.transitions.map((t) => `${t.at} ${t.state} ${t.reasons.join('+')}`.trimEnd()),
        ['2026-12-07T03:30:00.000Z allowed', '2026-12-07T03:45:06.000Z halted PROBES_STALE', '2026-12-07T04:00:00.000Z halted', '2026-12-07T04:02:00.000Z allowed'],
      );
    } finally {
      written.close();
    }
  });

  test('--since as a duration counts back from now', async () => {
    const written = openStore(join(dir, 'jaga.db'));
    store(eventsOf(EXAMPLE_CONFIG, readFileSync(join(EXAMPLE, 'timeline.csv'), 'utf8')), written);
    written.close();
    const config = parseConfig(`${EXAMPLE_CONFIG}\ndata_dir: ${JSON.stringify(dir)}\n`, 'x.yaml', {});
    const out: string[] = [];
    const now = Date.parse('2026-12-07T11:05:00+07:00');
    const code = await backtest(config, { fromDb: true, since: '40m', json: true }, catalogue('en'), { out: (l) => out.push(l), err: (l) => out.push(l) }, now);
    assert.equal(code, 0);
    const json = JSON.parse(out.join('\n')) as { transitions: { at: string }[] };
    assert.deepEqual(json.transitions.map((t) => t.at), ['2026-12-07T03:25:00.000Z', '2026-12-07T03:45:06.000Z', '2026-12-07T04:00:00.000Z', '2026-12-07T04:02:00.000Z']);
  });
});

describe('what jaga stores besides probes', () => {
  const yaml = `
central:
  targets:
    - { name: pusat-api, type: http, url: "https://central.example/health" }
storage:
  volumes:
    - { name: rekaman, path: /srv/rekaman }
backlog:
  sources:
    - { name: spool, type: directory, path: /srv/spool, halt_items: 100 }
heartbeats:
  - { name: unggah, grace: 10m, halt: true }
`;
  const T0 = Date.parse('2026-12-07T08:00:00+07:00');
  const rows = ['time,subject,field,value'];
  for (let at = T0; at <= T0 + 60 * MIN; at += 5 * MIN) {
    const t = new Date(at).toISOString();
    rows.push(`${t},target:pusat-api,ok,1`, `${t},volume:rekaman,size_bytes,1000000`, `${t},volume:rekaman,avail_bytes,500000`);
    rows.push(`${t},backlog:spool,items,${at >= T0 + 20 * MIN && at < T0 + 30 * MIN ? 150 : 10}`);
    if (at < T0 + 35 * MIN || at >= T0 + 55 * MIN) rows.push(`${t},heartbeat:unggah,ping,1`);
  }
  const csv = rows.join('\n');

  test('backlog reads and pings replay as the same timeline as a file does', async () => {
    const written = openStore(join(dir, 'jaga.db'));
    store(eventsOf(yaml, csv), written);
    written.close();
    const config = configFile(yaml);
    const fromDb = await cli(['backtest', '--config', config, '--from-db', '--json']);
    writeFileSync(join(dir, 'timeline.csv'), csv);
    const fromFile = await cli(['backtest', '--config', config, '--timeline', join(dir, 'timeline.csv'), '--json']);
    assert.equal(fromDb.code, 0);
    assert.equal(fromDb.out, fromFile.out);
    const json = JSON.parse(fromDb.out) as { transitions: { at: string; state: string; reasons: string[] }[] };
    assert.deepEqual(
      json.transitions.map((t) => `${t.at.slice(11, 19)} ${t.state} ${t.reasons.join('+')}`.trimEnd()),
      ['01:00:00 allowed', '01:20:00 halted BACKLOG_CRITICAL', '01:30:00 halted', '01:32:00 allowed', '01:40:01 halted UPLOAD_STALLED', '01:55:00 halted', '01:57:00 allowed'],
    );
  });

  test('a failed volume probe halts (VOLUME_UNAVAILABLE); samples of names the config lost are left out, and said so', async () => {
    const written = openStore(join(dir, 'jaga.db'));
    const events = eventsOf(yaml, csv).map((e): TimelineEvent =>
      e.kind === 'volume' && e.at === T0 + 30 * MIN ? { ...e, result: { ok: false, failure: 'write_failed' } } : e,
    );
    store(events, written);
    written.samples.appendVolumes([{ ok: true, durationMs: 1, deviceId: 1, sizeBytes: 10, freeBytes: 1, availBytes: 1, usedBytes: 9, usedRatio: 0.9, filesTotal: 0, filesFree: 0, filesUsedRatio: 0, volume: 'lama', at: T0 }]);
    written.dataAtRisk.ping('sinkron', T0, null);
    written.close();
    const { code, out, err } = await cli(['backtest', '--config', configFile(yaml), '--from-db', '--json', '--lang', 'en']);
    assert.equal(code, 0);
    assert.equal(err, 'Left out, not in the configuration: heartbeat:sinkron, volume:lama');
    const json = JSON.parse(out) as { transitions: { at: string; state: string; reasons: string[] }[] };
    assert.ok(
      json.transitions.some((t) => t.at === new Date(T0 + 30 * MIN).toISOString() && t.reasons.includes('VOLUME_UNAVAILABLE')),
      JSON.stringify(json.transitions),
    );
  });
});

describe('databases the backtest refuses', () => {
  test('no jaga.db in data_dir: exit 2, and none is created', async () => {
    const { code, err } = await cli(['backtest', '--config', configFile(), '--from-db']);
    assert.equal(code, 2);
    assert.match(err, /jaga\.db: cannot be opened read-only .*is data_dir right\?/);
    assert.throws(() => readFileSync(join(dir, 'jaga.db')), /ENOENT/);
  });

  test('a database of another schema version: exit 2, saying what to do', async () => {
    const db = new BetterSqlite3(join(dir, 'jaga.db'));
    db.pragma('user_version = 1');
    db.close();
    const { code, err } = await cli(['backtest', '--config', configFile(), '--from-db']);
    assert.equal(code, 2);
    assert.match(err, /database schema version 1, this jaga reads version \d+: start this jaga on the data_dir once/);
  });

  test('a database with nothing stored for the period: exit 2', async () => {
    openStore(join(dir, 'jaga.db')).close();
    const { code, err } = await cli(['backtest', '--config', configFile(), '--from-db', '--lang', 'en']);
    assert.equal(code, 2);
    assert.equal(err, 'The database holds no samples for this period.');
  });
});
