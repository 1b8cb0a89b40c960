// Owns the `notifications` table, the one outbox of every channel: messages written before they are sent
// (alert notifications, gate-action webhooks), their attempts and how each one ended. A row's payload is
// its channel's own JSON. Does I/O (SQLite); errors propagate.
import type { OutboxStatus } from '../core/alerts/types.js';
import type { Database } from './sqlite.js';

/** Who wrote a row: the alert pipeline, or a gate action. Each reads back only its own. */
export type OutboxSource = 'alerts' | 'gate_actions';

export interface OutboxMessage {
  /** Deterministic: enqueueing the same message twice stores it once. */
  readonly id: string;
  readonly source: OutboxSource;
  /** The notifier that sends it (notifiers/registry.ts). */
  readonly channel: string;
  /** Rows of one lane go strictly one after another, in the order written (one webhook URL); null: none. */
  readonly lane: string | null;
  /** Who receives it: a recipient's id (alerts) or the URL (webhooks). */
  readonly recipient: string;
  /** How people call the recipient. */
  readonly recipientName: string;
  /** One line for people (an email's subject). */
  readonly subject: string;
  /** The id the receiver sees on every attempt (Message-ID, x-jaga-delivery): a resent copy is recognisably the same. */
  readonly messageId: string;
  /** What the channel needs to send it, as JSON text: its own, rendered when sent. */
  readonly payload: string;
  readonly createdAt: number;
  /** Given up (expired) from this instant on. */
  readonly expiresAt: number;
  readonly status: OutboxStatus;
  /** Delivery attempts made (sent, retried or failed); an expiry is not an attempt. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastAttemptAt: number | null;
  readonly lastError: string | null;
  readonly sentAt: number | null;
  /** When it stopped being pending: sent, failed or expired. */
  readonly finishedAt: number | null;
}

/** What the caller writes; the row starts pending, due at once. */
export type NewOutboxMessage = Pick<
  OutboxMessage,
  'id' | 'source' | 'channel' | 'lane' | 'recipient' | 'recipientName' | 'subject' | 'messageId' | 'payload' | 'createdAt' | 'expiresAt'
>;

/** Which pending rows the sender may take now. */
export interface DueQuery {
  readonly now: number;
  /**
   * The longest backoff: a next attempt set further ahead than this was set by a wall clock that has
   * since stepped back, and counts as due rather than waiting for the clock to catch up.
   */
  readonly horizonMs?: number;
  /** Lanes, and channels of lane-less rows, with a send in flight: nothing more of theirs now. */
  readonly busy?: readonly string[];
  /** Only these channels (those the sender can send and has not paused); all when absent. */
  readonly channels?: readonly string[];
}

export interface OutboxStats {
  readonly pending: number;
  readonly oldestPendingAt: number | null;
  /** Given up in the 24 hours up to `now`, by how. */
  readonly failedSince24h: number;
  readonly expiredSince24h: number;
}

export interface OutboxQuery {
  readonly status?: OutboxStatus;
  readonly limit: number;
  /** Default 'alerts': the notifications people read about in the API and the dashboard. */
  readonly source?: OutboxSource;
}

interface Row {
  id: string;
  source: string;
  channel: string;
  lane: string | null;
  recipient: string;
  recipient_name: string;
  subject: string;
  message_id: string;
  payload: string;
  created_at: number;
  expires_at: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  sent_at: number | null;
  finished_at: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const COLUMNS =
  'id, source, channel, lane, recipient, recipient_name, subject, message_id, payload, created_at, expires_at, status, attempts, ' +
  'next_attempt_at, last_attempt_at, last_error, sent_at, finished_at';

export class OutboxRepository {
  private readonly insertStmt;
  private readonly restoreStmt;
  private readonly dueStmt;
  private readonly sentStmt;
  private readonly retryStmt;
  private readonly finishStmt;
  private readonly pendingStmt;
  private readonly givenUpStmt;
  private readonly listStmt;
  private readonly pruneStmt;

  constructor(private readonly db: Database) {
    // OR IGNORE: the planner may write the same notification again after a crash; the first copy wins.
    this.insertStmt = db.prepare<NewOutboxMessage>(
      `INSERT OR IGNORE INTO notifications (${COLUMNS})
       VALUES (@id, @source, @channel, @lane, @recipient, @recipientName, @subject, @messageId, @payload, @createdAt, @expiresAt,
               'pending', 0, @createdAt, NULL, NULL, NULL, NULL)`,
    );
    this.restoreStmt = db.prepare<Row>(
      `INSERT OR IGNORE INTO notifications (${COLUMNS})
       VALUES (@id, @source, @channel, @lane, @recipient, @recipient_name, @subject, @message_id, @payload, @created_at, @expires_at,
               @status, @attempts, @next_attempt_at, @last_attempt_at, @last_error, @sent_at, @finished_at)`,
    );
    // Due: its next attempt has come, it is to be given up, or its next attempt lies beyond any backoff.
    // A lane's rows wait for every older row of the lane (by created_at, then order written).
    this.dueStmt = db.prepare<{ now: number; horizon: number; busy: string; channels: string | null; limit: number }, Row>(
      `SELECT * FROM notifications o
       WHERE status = 'pending'
         AND (next_attempt_at <= @now OR expires_at <= @now OR next_attempt_at > @horizon)
         AND coalesce(lane, channel) NOT IN (SELECT value FROM json_each(@busy))
         AND (@channels IS NULL OR channel IN (SELECT value FROM json_each(@channels)))
         AND (lane IS NULL OR NOT EXISTS (
               SELECT 1 FROM notifications p
               WHERE p.lane = o.lane AND p.status = 'pending'
                 AND (p.created_at < o.created_at OR (p.created_at = o.created_at AND p.rowid < o.rowid))))
       ORDER BY created_at, id
       LIMIT @limit`,
    );
    // Every update is guarded by status = 'pending': a finished message is never reopened or rewritten.
    this.sentStmt = db.prepare<{ id: string; at: number }>(
      `UPDATE notifications
       SET status = 'sent', attempts = attempts + 1, last_attempt_at = @at, sent_at = @at, finished_at = @at, last_error = NULL
       WHERE id = @id AND status = 'pending'`,
    );
    this.retryStmt = db.prepare<{ id: string; nextAttemptAt: number; error: string; at: number }>(
      `UPDATE notifications
       SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_error = @error, last_attempt_at = @at
       WHERE id = @id AND status = 'pending'`,
    );
    this.finishStmt = db.prepare<{ id: string; status: 'failed' | 'expired'; error: string; at: number; attempted: 0 | 1 }>(
      `UPDATE notifications
       SET status = @status, attempts = attempts + @attempted, last_error = @error, finished_at = @at,
           last_attempt_at = CASE WHEN @attempted = 1 THEN @at ELSE last_attempt_at END
       WHERE id = @id AND status = 'pending'`,
    );
    this.pendingStmt = db.prepare<[string], { pending: number; oldest: number | null }>(
      `SELECT count(*) AS pending, min(created_at) AS oldest FROM notifications WHERE source = ? AND status = 'pending'`,
    );
    this.givenUpStmt = db.prepare<[string, number], { failed: number | null; expired: number | null }>(
      `SELECT sum(status = 'failed') AS failed, sum(status = 'expired') AS expired
       FROM notifications WHERE source = ? AND finished_at >= ? AND status IN ('failed', 'expired')`,
    );
    this.listStmt = db.prepare<{ source: string; status: string | null; limit: number }, Row>(
      `SELECT * FROM notifications
       WHERE source = @source AND (@status IS NULL OR status = @status)
       ORDER BY created_at DESC, id DESC
       LIMIT @limit`,
    );
    this.pruneStmt = db.prepare<[string, number]>(`DELETE FROM notifications WHERE source = ? AND status <> 'pending' AND finished_at < ?`);
  }

  /** Stores new messages as pending, in one transaction. Ids already present are skipped. Returns rows inserted. */
  enqueue(messages: readonly NewOutboxMessage[]): number {
    return this.db.transaction(() => {
      let inserted = 0;
      for (const m of messages) {
        inserted += this.insertStmt.run({
          id: m.id,
          source: m.source,
          channel: m.channel,
          lane: m.lane,
          recipient: m.recipient,
          recipientName: m.recipientName,
          subject: m.subject,
          messageId: m.messageId,
          payload: m.payload,
          createdAt: m.createdAt,
          expiresAt: m.expiresAt,
        }).changes;
      }
      return inserted;
    })();
  }

  /**
   * Writes a message exactly as it is, status and attempts included: one that was queued and perhaps
   * sent from memory while the database refused writes. An id already present is left alone.
   */
  restore(m: OutboxMessage): number {
    return this.restoreStmt.run({
      id: m.id,
      source: m.source,
      channel: m.channel,
      lane: m.lane,
      recipient: m.recipient,
      recipient_name: m.recipientName,
      subject: m.subject,
      message_id: m.messageId,
      payload: m.payload,
      created_at: m.createdAt,
      expires_at: m.expiresAt,
      status: m.status,
      attempts: m.attempts,
      next_attempt_at: m.nextAttemptAt,
      last_attempt_at: m.lastAttemptAt,
      last_error: m.lastError,
      sent_at: m.sentAt,
      finished_at: m.finishedAt,
    }).changes;
  }

  /** The oldest pending message (by created_at, then id) the sender may take now (see DueQuery). */
  nextDue(q: DueQuery): OutboxMessage | null {
    return this.due(q, 1)[0] ?? null;
  }

  /** The `limit` oldest pending messages the sender may take now, in sending order. */
  due(q: DueQuery, limit: number): OutboxMessage[] {
    const horizonMs = q.horizonMs ?? Number.POSITIVE_INFINITY;
    const horizon = Number.isFinite(horizonMs) ? q.now + horizonMs : Number.MAX_SAFE_INTEGER;
    return this.dueStmt
      .all({ now: q.now, horizon, busy: JSON.stringify(q.busy ?? []), channels: q.channels === undefined ? null : JSON.stringify(q.channels), limit })
      .map(toMessage);
  }

  /** The receiver accepted it. */
  markSent(id: string, at: number): void {
    this.sentStmt.run({ id, at });
  }

  /** A temporary failure: counts the attempt and sets when to try again. */
  markRetry(id: string, nextAttemptAt: number, error: string, at: number): void {
    this.retryStmt.run({ id, nextAttemptAt, error, at });
  }

  /** A permanent rejection: counts the attempt; never tried again. */
  markFailed(id: string, error: string, at: number): void {
    this.finishStmt.run({ id, status: 'failed', error, at, attempted: 1 });
  }

  /** Given up without trying (too old); not counted as an attempt. */
  markExpired(id: string, error: string, at: number): void {
    this.finishStmt.run({ id, status: 'expired', error, at, attempted: 0 });
  }

  stats(now: number, source: OutboxSource = 'alerts'): OutboxStats {
    const pending = this.pendingStmt.get(source) ?? { pending: 0, oldest: null };
    const givenUp = this.givenUpStmt.get(source, now - DAY_MS) ?? { failed: 0, expired: 0 };
    return {
      pending: pending.pending,
      oldestPendingAt: pending.oldest,
      failedSince24h: givenUp.failed ?? 0,
      expiredSince24h: givenUp.expired ?? 0,
    };
  }

  /** Newest first (created_at, then id). */
  list(q: OutboxQuery): OutboxMessage[] {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive integer, got ${q.limit}`);
    return this.listStmt.all({ source: q.source ?? 'alerts', status: q.status ?? null, limit: q.limit }).map(toMessage);
  }

  /**
   * Deletes `source`'s messages that finished before `at`; pending ones are never deleted. Returns rows
   * deleted. Once a row is gone its id can be enqueued (and sent) again, so keep them longer than anything re-plans.
   */
  pruneFinishedBefore(at: number, source: OutboxSource = 'alerts'): number {
    return this.pruneStmt.run(source, at).changes;
  }
}

function toMessage(row: Row): OutboxMessage {
  return {
    id: row.id,
    source: row.source as OutboxSource,
    channel: row.channel,
    lane: row.lane,
    recipient: row.recipient,
    recipientName: row.recipient_name,
    subject: row.subject,
    messageId: row.message_id,
    payload: row.payload,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
    finishedAt: row.finished_at,
  };
}
