// Owns the SQLite file: opening it (WAL, pragmas), the schema and its migrations, and the Store that
// bundles one repository per table. Does I/O; a failure to open is explained (open-failure.ts), later
// errors (SQLITE_FULL, SQLITE_BUSY, ...) propagate.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AuditRepository } from './audit.js';
import { GateActionStateRepository } from './gate-action-state.js';
import { openFailureMessage } from './open-failure.js';
import { OutboxRepository } from './outbox.js';
import { OverrideRepository } from './overrides.js';
import { SampleRepository } from './samples.js';
import { SilenceRepository } from './silences.js';
import { SnapshotRepository } from './snapshot.js';
import { TransitionRepository } from './transitions.js';
import { DataAtRiskRepository } from './data-at-risk.js';

export type Database = BetterSqlite3.Database;

/**
 * Schema steps, in order. Step i brings the database to `PRAGMA user_version = i + 1`.
 * Append only: never edit a step that has shipped. Tables are STRICT so a wrong type fails loudly.
 */
export const MIGRATIONS: readonly string[] = [
  `
  -- AUTOINCREMENT: ids never come back after a prune, so API cursors (before=<id>) stay meaningful.
  CREATE TABLE transitions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    from_state    TEXT NULL CHECK (from_state IN ('allowed', 'halted')),
    to_state      TEXT NOT NULL CHECK (to_state IN ('allowed', 'halted')),
    reasons_json  TEXT NOT NULL,
    evidence_json TEXT NOT NULL
  ) STRICT;
  CREATE INDEX transitions_at ON transitions (at);

  CREATE TABLE target_samples (
    at          INTEGER NOT NULL,
    target      TEXT NOT NULL,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    failure     TEXT NULL,
    duration_ms REAL NOT NULL
  ) STRICT;
  CREATE INDEX target_samples_target_at ON target_samples (target, at);

  CREATE TABLE volume_samples (
    at               INTEGER NOT NULL,
    volume           TEXT NOT NULL,
    ok               INTEGER NOT NULL CHECK (ok IN (0, 1)),
    failure          TEXT NULL,
    avail_bytes      INTEGER NULL,
    used_ratio       REAL NULL,
    files_used_ratio REAL NULL
  ) STRICT;
  CREATE INDEX volume_samples_volume_at ON volume_samples (volume, at);

  CREATE TABLE overrides (
    id         TEXT PRIMARY KEY,
    action     TEXT NOT NULL CHECK (action IN ('halt', 'allow')),
    reason     TEXT NOT NULL,
    "by"       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NULL,
    lifted_at  INTEGER NULL,
    lifted_by  TEXT NULL
  ) STRICT;

  CREATE TABLE state (
    key        TEXT PRIMARY KEY,
    json       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail_json TEXT NOT NULL
  ) STRICT;
  `,
  `
  -- The outbox: every notification is written here before it is sent, and stays until pruned.
  CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    channel         TEXT NOT NULL CHECK (channel IN ('email')),
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text            TEXT NOT NULL,
    html            TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER NULL,
    last_error      TEXT NULL,
    sent_at         INTEGER NULL,
    finished_at     INTEGER NULL
  ) STRICT;
  -- The sender's queue: pending rows in sending order. Partial, so finished rows cost nothing.
  CREATE INDEX notifications_pending ON notifications (created_at, id) WHERE status = 'pending';
  CREATE INDEX notifications_finished ON notifications (finished_at) WHERE finished_at IS NOT NULL;
  CREATE INDEX notifications_status_created ON notifications (status, created_at);

  -- Silences made over the API; those from the config file are not stored.
  CREATE TABLE silences (
    id            TEXT PRIMARY KEY,
    matchers_json TEXT NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    comment       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expired_at    INTEGER NULL,
    expired_by    TEXT NULL,
    -- Expiring an upcoming silence moves ends_at before starts_at; only then may it be so.
    CHECK (ends_at > starts_at OR expired_at IS NOT NULL)
  ) STRICT;
  CREATE INDEX silences_ends_at ON silences (ends_at);
  `,
  `
  -- Gate actions: per action (its stable key), the last gate state it handled, so a restart tells a
  -- transition already handled from one that happened while the process was down.
  CREATE TABLE gate_action_state (
    action     TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('allowed', 'halted')),
    since      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  -- Webhook gate actions: every delivery is written here before it is sent. id is the transition's
  -- delivery id (x-jaga-delivery), the same for each URL; body is exactly what is POSTed and signed.
  CREATE TABLE webhook_deliveries (
    id              TEXT NOT NULL,
    url             TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER NULL,
    last_error      TEXT NULL,
    finished_at     INTEGER NULL,
    PRIMARY KEY (url, id)
  ) STRICT;
  -- Each URL's queue in sending order. Partial, so finished rows cost nothing.
  CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (url, created_at) WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE finished_at IS NOT NULL;
  `,
  `
  -- Probe samples arrive in time order: indexed by time alone, each insert lands on the index's last
  -- page. By target first, every insert touched another page (about 10 µs a row instead of 1.5 at
  -- 1,000 targets). Pruning and the report (one pass over a period for all central targets) read by time.
  DROP INDEX target_samples_target_at;
  CREATE INDEX target_samples_at ON target_samples (at);
  `,
  `
  -- Each target's probes summed up per hour as they are written (domain/probe-buckets.ts), so a
  -- month's report reads hundreds of rows, not a million samples. Filled from target_samples when
  -- the repository first opens a database that has samples but no buckets.
  CREATE TABLE target_buckets (
    start         INTEGER NOT NULL,
    target        TEXT NOT NULL,
    probes        INTEGER NOT NULL,
    ok            INTEGER NOT NULL,
    first_at      INTEGER NOT NULL,
    last_at       INTEGER NOT NULL,
    first_ok_at   INTEGER NULL,
    failing_since INTEGER NULL,
    longest_start INTEGER NULL,
    longest_end   INTEGER NULL,
    PRIMARY KEY (start, target)
  ) STRICT, WITHOUT ROWID;
  `,
  `
  -- One outbox for every channel (store/outbox.ts): alert notifications and gate-action webhooks alike.
  -- What a channel needs to send is its own JSON (payload), rendered when sent; the CHECK on channel
  -- and the email-shaped columns (text, html) go. A lane holds rows that go strictly in order (one
  -- webhook URL); expires_at is when a row is given up. message_id is the id the receiver sees on every
  -- attempt (the email's Message-ID, the webhook's x-jaga-delivery).
  CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    source          TEXT NOT NULL CHECK (source IN ('alerts', 'gate_actions')),
    channel         TEXT NOT NULL,
    lane            TEXT NULL,
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER NULL,
    last_error      TEXT NULL,
    sent_at         INTEGER NULL,
    finished_at     INTEGER NULL
  ) STRICT;

  -- Emails written before this step were rendered when written: their payload carries the rendered
  -- email. They are given up 24 hours (the default alerts.outbox.max_age) after they were written.
  INSERT INTO outbox
    SELECT id, 'alerts', channel, NULL, recipient, recipient_name, subject, message_id,
           json_object('to', recipient, 'toName', recipient_name, 'rendered', json_object('subject', subject, 'text', text, 'html', html)),
           created_at, created_at + 86400000, status, attempts, next_attempt_at, last_attempt_at, last_error, sent_at, finished_at
    FROM notifications;
  -- Webhook deliveries keep their order (rowid), id, body and bookkeeping; 'delivered' is now 'sent'.
  -- Their timeout and max_age were not stored: the schema defaults (5 s, 24 h) apply to these rows.
  INSERT INTO outbox
    SELECT 'webhook ' || url || '#' || id, 'gate_actions', 'webhook', 'webhook ' || url, url, url,
           'gate.transition', id, json_object('url', url, 'body', body, 'timeoutMs', 5000),
           created_at, created_at + 86400000, CASE status WHEN 'delivered' THEN 'sent' ELSE status END,
           attempts, next_attempt_at, last_attempt_at, last_error,
           CASE status WHEN 'delivered' THEN finished_at ELSE NULL END, finished_at
    FROM webhook_deliveries ORDER BY rowid;
  DROP TABLE notifications;
  DROP TABLE webhook_deliveries;
  -- The old name stays: operators and their scripts read "notifications".
  ALTER TABLE outbox RENAME TO notifications;
  -- The sender's queue: pending rows in sending order, and each lane's head. Partial: finished rows cost nothing.
  CREATE INDEX notifications_pending ON notifications (created_at, id) WHERE status = 'pending';
  CREATE INDEX notifications_lane ON notifications (lane, created_at) WHERE status = 'pending' AND lane IS NOT NULL;
  CREATE INDEX notifications_finished ON notifications (finished_at) WHERE finished_at IS NOT NULL;
  CREATE INDEX notifications_status_created ON notifications (source, status, created_at);
  `,
  `
  -- The data at risk (store/data-at-risk.ts). Each read of a backlog source; failed reads keep no numbers.
  CREATE TABLE backlog_samples (
    at        INTEGER NOT NULL,
    source    TEXT NOT NULL,
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    failure   TEXT NULL,
    items     INTEGER NULL,
    bytes     INTEGER NULL,
    oldest_at INTEGER NULL
  ) STRICT;
  CREATE INDEX backlog_samples_at ON backlog_samples (at);
  CREATE INDEX backlog_samples_source_ok_at ON backlog_samples (source, ok, at);
  -- Each heartbeat's last ping, written before the ping is answered: a restart does not forget it.
  CREATE TABLE heartbeats (
    name         TEXT PRIMARY KEY,
    last_ping_at INTEGER NOT NULL,
    items_sent   INTEGER NULL,
    pings        INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  -- Pings over time for the report (the longest time without an upload per day), at most one row per
  -- heartbeat per 10 s: a client pinging in a loop cannot fill the disk.
  CREATE TABLE heartbeat_pings (
    at         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    items_sent INTEGER NULL
  ) STRICT;
  CREATE INDEX heartbeat_pings_at ON heartbeat_pings (at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Opens (creating if needed) the database file, sets the pragmas and brings the schema up to date.
 * SQLite's errors come out as a message naming the file, what is wrong and what to do (open-failure.ts).
 */
export function openDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (error) {
    throw explained(file, error);
  }
  try {
    db.pragma('busy_timeout = 5000');
    // Check before touching anything else: an older jaga must not write into a newer schema.
    refuseNewer(db, file);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && file !== ':memory:') {
      throw new Error(`${file}: could not switch to WAL journal mode (got '${String(mode)}')`);
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw explained(file, error);
  }
}

function explained(file: string, error: unknown): unknown {
  return error instanceof BetterSqlite3.SqliteError ? new Error(openFailureMessage(file, error.code, error.message), { cause: error }) : error;
}

function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(db: Database, file: string): void {
  const found = userVersion(db);
  if (found > SCHEMA_VERSION) {
    throw new Error(
      `${file}: database schema version ${found} is newer than this jaga supports (${SCHEMA_VERSION}); ` +
        'refusing to open. Upgrade jaga or point it at another database file.',
    );
  }
}

function migrate(db: Database, file: string): void {
  MIGRATIONS.forEach((sql, index) => {
    const target = index + 1;
    // IMMEDIATE takes the write lock first, so two processes starting together cannot both apply a step.
    db.transaction(() => {
      refuseNewer(db, file);
      if (userVersion(db) >= target) return;
      db.exec(sql);
      db.pragma(`user_version = ${target}`);
    }).immediate();
  });
}

export interface Store {
  readonly db: Database;
  readonly transitions: TransitionRepository;
  readonly samples: SampleRepository;
  readonly overrides: OverrideRepository;
  readonly snapshot: SnapshotRepository;
  readonly audit: AuditRepository;
  readonly outbox: OutboxRepository;
  readonly silences: SilenceRepository;
  readonly gateActionState: GateActionStateRepository;
  readonly dataAtRisk: DataAtRiskRepository;
  /** Runs `fn` in one transaction (nested calls become savepoints). `fn` must be synchronous. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Opens the database and builds every repository on it. `now` stamps snapshot rows (updated_at). */
export function openStore(file: string, now: () => number = Date.now): Store {
  const db = openDatabase(file);
  const overrides = new OverrideRepository(db);
  return {
    db,
    transitions: new TransitionRepository(db, overrides),
    samples: new SampleRepository(db),
    overrides,
    snapshot: new SnapshotRepository(db, now),
    audit: new AuditRepository(db),
    outbox: new OutboxRepository(db),
    silences: new SilenceRepository(db),
    gateActionState: new GateActionStateRepository(db),
    dataAtRisk: new DataAtRiskRepository(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => {
      if (!db.open) return;
      try {
        db.pragma('optimize'); // may write (ANALYZE); closing must happen even if that fails
      } finally {
        db.close();
      }
    },
  };
}
