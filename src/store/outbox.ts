// Owns the `notifications` table, the outbox: messages written before they are sent, their attempts
// and how each one ended. Does I/O (SQLite); errors propagate.
import type { OutboxStatus } from '../core/alerts/types.js';
import type { Database } from './sqlite.js';


export interface OutboxMessage {
  /** Deterministic (recipient, group, sequence): enqueueing the same notification twice stores it once. */
  readonly id: string;
  readonly channel: 'email';
  readonly recipient: string;
  readonly recipientName: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Sent on every attempt, so a resent copy is recognisably the same message. */
  readonly messageId: string;
  readonly createdAt: number;
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
  'id' | 'channel' | 'recipient' | 'recipientName' | 'subject' | 'text' | 'html' | 'messageId' | 'createdAt'
>;

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
}

interface Row {
  id: string;
  channel: string;
  recipient: string;
  recipient_name: string;
  subject: string;
  text: string;
  html: string;
  message_id: string;
  created_at: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  sent_at: number | null;
  finished_at: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class OutboxRepository {
  private readonly insertStmt;
  private readonly restoreStmt;
  private readonly nextDueStmt;
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
      `INSERT OR IGNORE INTO notifications
         (id, channel, recipient, recipient_name, subject, text, html, message_id, created_at, status, attempts, next_attempt_at)
       VALUES (@id, @channel, @recipient, @recipientName, @subject, @text, @html, @messageId, @createdAt, 'pending', 0, @createdAt)`,
    );
    this.restoreStmt = db.prepare<Row>(
      `INSERT OR IGNORE INTO notifications
         (id, channel, recipient, recipient_name, subject, text, html, message_id, created_at, status, attempts,
          next_attempt_at, last_attempt_at, last_error, sent_at, finished_at)
       VALUES (@id, @channel, @recipient, @recipient_name, @subject, @text, @html, @message_id, @created_at, @status,
          @attempts, @next_attempt_at, @last_attempt_at, @last_error, @sent_at, @finished_at)`,
    );
    // A next attempt further ahead than any backoff was set by a clock that has since stepped back.
    this.nextDueStmt = db.prepare<{ now: number; horizon: number; limit: number }, Row>(
      `SELECT * FROM notifications
       WHERE status = 'pending' AND (next_attempt_at <= @now OR next_attempt_at > @horizon)
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
    this.pendingStmt = db.prepare<[], { pending: number; oldest: number | null }>(
      `SELECT count(*) AS pending, min(created_at) AS oldest FROM notifications WHERE status = 'pending'`,
    );
    this.givenUpStmt = db.prepare<[number], { failed: number | null; expired: number | null }>(
      `SELECT sum(status = 'failed') AS failed, sum(status = 'expired') AS expired
       FROM notifications WHERE finished_at >= ? AND status IN ('failed', 'expired')`,
    );
    this.listStmt = db.prepare<{ status: string | null; limit: number }, Row>(
      `SELECT * FROM notifications
       WHERE @status IS NULL OR status = @status
       ORDER BY created_at DESC, id DESC
       LIMIT @limit`,
    );
    this.pruneStmt = db.prepare<[number]>(`DELETE FROM notifications WHERE status <> 'pending' AND finished_at < ?`);
  }

  /** Stores new messages as pending, in one transaction. Ids already present are skipped. Returns rows inserted. */
  enqueue(messages: readonly NewOutboxMessage[]): number {
    return this.db.transaction(() => {
      let inserted = 0;
      for (const m of messages) {
        inserted += this.insertStmt.run({
          id: m.id,
          channel: m.channel,
          recipient: m.recipient,
          recipientName: m.recipientName,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: m.messageId,
          createdAt: m.createdAt,
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
      channel: m.channel,
      recipient: m.recipient,
      recipient_name: m.recipientName,
      subject: m.subject,
      text: m.text,
      html: m.html,
      message_id: m.messageId,
      created_at: m.createdAt,
      status: m.status,
      attempts: m.attempts,
      next_attempt_at: m.nextAttemptAt,
      last_attempt_at: m.lastAttemptAt,
      last_error: m.lastError,
      sent_at: m.sentAt,
      finished_at: m.finishedAt,
    }).changes;
  }

  /**
   * The oldest pending message (by created_at, then id) whose next attempt is due at `now`. With
   * `maxDelayMs` (the longest backoff), one set to more than that ahead counts as due: the wall clock
   * stepped back since, and it must not wait for the clock to catch up.
   */
  nextDue(now: number, maxDelayMs = Number.POSITIVE_INFINITY): OutboxMessage | null {
    return this.due(now, 1, maxDelayMs)[0] ?? null;
  }

  /** The `limit` oldest pending messages due at `now` (see nextDue), in sending order. */
  due(now: number, limit: number, maxDelayMs = Number.POSITIVE_INFINITY): OutboxMessage[] {
    const horizon = Number.isFinite(maxDelayMs) ? now + maxDelayMs : Number.MAX_SAFE_INTEGER;
    return this.nextDueStmt.all({ now, horizon, limit }).map(toMessage);
  }

  /** The server accepted it. */
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

  stats(now: number): OutboxStats {
    const pending = this.pendingStmt.get() ?? { pending: 0, oldest: null };
    const givenUp = this.givenUpStmt.get(now - DAY_MS) ?? { failed: 0, expired: 0 };
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
    return this.listStmt.all({ status: q.status ?? null, limit: q.limit }).map(toMessage);
  }

  /**
   * Deletes messages that finished before `at`; pending ones are never deleted. Returns rows deleted.
   * Once a row is gone its id can be enqueued (and sent) again, so keep them longer than anything re-plans.
   */
  pruneFinishedBefore(at: number): number {
    return this.pruneStmt.run(at).changes;
  }
}

function toMessage(row: Row): OutboxMessage {
  return {
    id: row.id,
    channel: row.channel as OutboxMessage['channel'],
    recipient: row.recipient,
    recipientName: row.recipient_name,
    subject: row.subject,
    text: row.text,
    html: row.html,
    messageId: row.message_id,
    createdAt: row.created_at,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    sentAt: row.sent_at,
    finishedAt: row.finished_at,
  };
}
