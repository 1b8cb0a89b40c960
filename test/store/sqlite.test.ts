// Opening the database file: migrations, version refusal, WAL, files it cannot use explained, and a
// full restart round-trip.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Gate, Override, TargetState, Transition, VolumeState } from '../../src/core/types.js';
import { MIGRATIONS, SCHEMA_VERSION, openDatabase, openStore } from '../../src/store/sqlite.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jaga-store-'));
  file = join(dir, 'nested', 'jaga.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function userVersion(path: string): number {
  const raw = new BetterSqlite3(path);
  try {
    return raw.pragma('user_version', { simple: true }) as number;
  } finally {
    raw.close();
  }
}

describe('openDatabase', () => {
  it('creates the parent directory, runs every migration and sets user_version', () => {
    assert.ok(MIGRATIONS.length >= 1);
    const db = openDatabase(file);
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all();
    db.close();
    assert.deepEqual(tables, [
      'audit',
      'backlog_samples',
      'gate_action_state',
      'heartbeat_pings',
      'heartbeats',
      'notifications',
      'overrides',
      'silences',
      'state',
      'target_buckets',
      'target_samples',
      'transitions',
      'volume_samples',
    ]);
    assert.equal(userVersion(file), SCHEMA_VERSION);
  });

  it('does not run migrations again on reopen (a re-run CREATE TABLE would throw)', () => {
    openDatabase(file).close();
    const db = openDatabase(file);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
  });

  it('upgrades a database left at an older version in place, keeping its rows', () => {
    const old = join(dir, 'old.db');
    const raw = new BetterSqlite3(old);
    raw.exec(MIGRATIONS[0] ?? '');
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO audit (at, actor, action, detail_json) VALUES (1, 'ops', 'kept', '{}')").run();
    raw.close();
    const store = openStore(old);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(store.audit.list(10).map((e) => e.action), ['kept']);
      assert.equal(store.outbox.stats(0).pending, 0);
    } finally {
      store.close();
    }
  });

  it('carries the email outbox and the webhook queue of schema 5 into the one outbox, every row and its bookkeeping', () => {
    const old = join(dir, 'v5.db');
    const raw = new BetterSqlite3(old);
    for (const sql of MIGRATIONS.slice(0, 5)) raw.exec(sql);
    raw.pragma('user_version = 5');
    const email = raw.prepare(
      `INSERT INTO notifications (id, channel, recipient, recipient_name, subject, text, html, message_id, created_at, status, attempts,
         next_attempt_at, last_attempt_at, last_error, sent_at, finished_at)
       VALUES (?, 'email', ?, 'Kabid', ?, 'teks', '<p>teks</p>', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    email.run('kabid@x.test#100#1', 'kabid@x.test', 'HALT', '<a.jaga@x>', 100, 'pending', 2, 900, 500, 'ECONNREFUSED', null, null);
    email.run('kabid@x.test#50#1', 'kabid@x.test', 'OLD', '<b.jaga@x>', 50, 'sent', 1, 50, 60, null, 60, 60);
    const hook = raw.prepare(
      `INSERT INTO webhook_deliveries (id, url, body, created_at, status, attempts, next_attempt_at, last_attempt_at, last_error, finished_at)
       VALUES (?, 'http://r.test/h', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Written in this order at the same millisecond: the queue's order is the order written.
    hook.run('x:halted:2', '{"n":2}', 300, 'pending', 1, 400, 310, 'HTTP 503', null);
    hook.run('x:allowed:1', '{"n":1}', 300, 'pending', 0, 300, null, null, null);
    hook.run('x:allowed:0', '{"n":0}', 200, 'delivered', 1, 200, 210, null, 210);
    raw.close();

    const store = openStore(old);
    try {
      const alerts = store.outbox.list({ limit: 10 });
      assert.deepEqual(
        alerts.map((m) => [m.id, m.channel, m.recipient, m.subject, m.messageId, m.status, m.attempts, m.nextAttemptAt, m.lastError, m.sentAt, m.expiresAt]),
        [
          ['kabid@x.test#100#1', 'email', 'kabid@x.test', 'HALT', '<a.jaga@x>', 'pending', 2, 900, 'ECONNREFUSED', null, 100 + 86_400_000],
          ['kabid@x.test#50#1', 'email', 'kabid@x.test', 'OLD', '<b.jaga@x>', 'sent', 1, 50, null, 60, 50 + 86_400_000],
        ],
      );
      assert.deepEqual(JSON.parse(alerts[0]?.payload ?? ''), {
        to: 'kabid@x.test',
        toName: 'Kabid',
        rendered: { subject: 'HALT', text: 'teks', html: '<p>teks</p>' },
      });
      const hooks = store.outbox.list({ source: 'gate_actions', limit: 10 });
      assert.deepEqual(
        hooks.map((m) => [m.messageId, m.channel, m.lane, m.status, m.attempts, m.lastError, m.sentAt]).sort(),
        [
          ['x:allowed:0', 'webhook', 'webhook http://r.test/h', 'sent', 1, null, 210],
          ['x:allowed:1', 'webhook', 'webhook http://r.test/h', 'pending', 0, null, null],
          ['x:halted:2', 'webhook', 'webhook http://r.test/h', 'pending', 1, 'HTTP 503', null],
        ],
      );
      assert.deepEqual(JSON.parse(hooks.find((m) => m.messageId === 'x:halted:2')?.payload ?? ''), { url: 'http://r.test/h', body: '{"n":2}', timeoutMs: 5_000 });
      // The lane's head is the row written first, not the id that sorts first.
      assert.deepEqual(store.outbox.due({ now: 1_000, channels: ['webhook'] }, 10).map((m) => m.messageId), ['x:halted:2']);
      assert.equal(store.outbox.stats(1_000).pending, 1, 'the alert notifications alone');
      assert.equal(store.outbox.stats(1_000, 'gate_actions').pending, 2);
    } finally {
      store.close();
    }
  });

  it('sets the pragmas and puts the file in WAL mode', () => {
    const db = openDatabase(file);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 1); // NORMAL
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    db.prepare("INSERT INTO audit (at, actor, action, detail_json) VALUES (1, 'a', 'b', '{}')").run();
    assert.ok(existsSync(`${file}-wal`), 'a write goes to the -wal file');
    db.close();
    // WAL is persistent: a plain connection sees it too.
    const raw = new BetterSqlite3(file);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  });

  it('refuses a database from a newer schema version, naming the version, and leaves it untouched', () => {
    openDatabase(file).close();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 41}`);
    raw.close();
    assert.throws(
      () => openDatabase(file),
      (err: unknown) =>
        err instanceof Error &&
        err.message.includes(`schema version ${SCHEMA_VERSION + 41}`) &&
        err.message.includes(`supports (${SCHEMA_VERSION})`),
    );
    assert.equal(userVersion(file), SCHEMA_VERSION + 41);
  });
});

describe('openDatabase on a file it cannot use: which file, what is wrong, what to do', () => {
  const garbage = 'not a database, just text\n'.repeat(200);
  it('a file that is no SQLite database: damaged, move it aside, what is lost; the file is left as it was', () => {
    const bad = join(dir, 'jaga.db');
    writeFileSync(bad, garbage);
    assert.throws(
      () => openDatabase(bad),
      (err: unknown) =>
        err instanceof Error &&
        err.message.startsWith(`${bad}: the state database is damaged or not a database (SQLITE_NOTADB`) &&
        err.message.includes(`mv ${bad}* `) &&
        /overrides/.test(err.message) &&
        /starts halted \(STARTING\) until the first probes answer/.test(err.message),
    );
    assert.equal(readFileSync(bad, 'utf8'), garbage);
  });

  it('tables there but user_version behind them ("table ... already exists"): says the two disagree', () => {
    openDatabase(file).close();
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 1');
    raw.close();
    assert.throws(
      () => openDatabase(file),
      (err: unknown) =>
        err instanceof Error &&
        err.message.startsWith(`${file}: the tables in the state database do not match its schema version`) &&
        err.message.includes('already exists') &&
        err.message.includes('move the file aside'),
    );
  });

  it('a directory where the file should be: cannot open, must be a regular file', () => {
    mkdirSync(file, { recursive: true });
    assert.throws(() => openDatabase(file), (err: unknown) => err instanceof Error && err.message.startsWith(`${file}: cannot open the state database (SQLITE_CANTOPEN`));
  });
});

describe('openStore restart', () => {
  const gate: Gate = {
    state: 'halted',
    mode: 'normal',
    buffering: null,
    forecast: null,
    since: 1_000,
    reasons: [
      {
        code: 'STORAGE_CRITICAL',
        subject: 'records',
        since: 900,
        facts: { usedRatio: 0.93, haltRatio: 0.9, availBytes: 1234, note: null, flag: true },
      },
      { code: 'CENTRAL_UNREACHABLE', subject: 'central', since: 950, cause: 'uplink', facts: {} },
    ],
    overridden: [],
    clearSince: null,
    decidedAt: 1_100,
    validUntil: 1_160,
    override: null,
  };
  const targets: TargetState[] = [
    {
      name: 'central-api',
      kind: 'http',
      role: 'central',
      status: 'down',
      statusSince: 1_000,
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      last: {
        ok: false,
        failure: 'timeout',
        durationMs: 5000.5,
        phases: { dns: 1.25, connect: 4999 },
        detail: 'ETIMEDOUT 10.0.0.1:443',
        target: 'central-api',
        at: 1_090,
      },
      lastSuccessAt: null,
      lastFailureAt: 1_090,
    },
    {
      name: 'resolver',
      kind: 'dns',
      role: 'reference',
      status: 'unknown',
      statusSince: null,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      last: null,
      lastSuccessAt: null,
      lastFailureAt: null,
    },
  ];
  const usage = {
    sizeBytes: 100_000,
    freeBytes: 8_000,
    availBytes: 7_000,
    usedBytes: 92_000,
    usedRatio: 0.929,
    filesTotal: 0,
    filesFree: 0,
    filesUsedRatio: 0,
  };
  const volumes: VolumeState[] = [
    {
      name: 'records',
      deviceId: 2049,
      last: { ok: true, durationMs: 2, deviceId: 2049, ...usage, volume: 'records', at: 1_090 },
      lastUsage: usage,
      samples: [{ at: 1_000, availBytes: 8_000 }],
      fillRateBytesPerSecond: -11.1,
      fullEtaSeconds: 630,
      forecast: { model: 'linear', haltAt: 1_090, floorAt: 181_270, fullAt: 631_090, fillingAt: 1_090, bufferEndAt: 1_090, roomWorkingSeconds: 630 },
    },
    {
      name: 'scans',
      deviceId: null,
      last: { ok: false, failure: 'not_mounted', durationMs: 1, detail: 'not a mount point', volume: 'scans', at: 1_090 },
      lastUsage: null,
      samples: [],
      fillRateBytesPerSecond: null,
      fullEtaSeconds: null,
      forecast: null,
    },
  ];
  const override: Override = {
    id: 'ovr-1',
    action: 'allow',
    reason: 'central maintenance window',
    by: 'ops',
    createdAt: 1_050,
    expiresAt: 90_000,
    liftedAt: null,
    liftedBy: null,
  };
  const transition: Transition = { at: 1_000, from: 'allowed', to: 'halted', reasons: gate.reasons, evidence: { x: null } };

  it('brings back gate, targets, volumes, overrides, transitions and audit after close and reopen', () => {
    const first = openStore(file, () => 5);
    first.transaction(() => {
      first.snapshot.saveGate(gate);
      first.snapshot.saveTargets(targets);
      first.snapshot.saveVolumes(volumes);
      first.overrides.insert(override);
      first.transitions.append(transition);
      first.audit.append({ at: 1_050, actor: 'ops', action: 'override.create', detail: { id: 'ovr-1' } });
    });
    first.close();
    first.close(); // idempotent

    const second = openStore(file);
    try {
      assert.deepEqual(second.snapshot.loadGate(), gate);
      assert.deepEqual(second.snapshot.loadTargets(), targets);
      assert.deepEqual(
        second.snapshot.loadVolumes(),
        volumes.map(({ samples: _s, ...rest }) => rest),
      );
      assert.deepEqual(second.overrides.get('ovr-1'), override);
      assert.deepEqual(second.transitions.list({ limit: 1 }).items[0], { ...transition, id: 1 });
      assert.deepEqual(
        second.audit.list(10).map((e) => e.action),
        ['override.create'],
      );
    } finally {
      second.close();
    }
  });

  it('rolls the whole store transaction back when the function throws', () => {
    const store = openStore(file);
    try {
      assert.throws(
        () =>
          store.transaction(() => {
            store.snapshot.saveGate(gate);
            throw new Error('boom');
          }),
        /boom/,
      );
      assert.equal(store.snapshot.loadGate(), null);
    } finally {
      store.close();
    }
  });
});
