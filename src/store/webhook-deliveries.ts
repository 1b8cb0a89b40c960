// Owns the `webhook_deliveries` table: gate-action webhooks written before they are sent, their
// attempts and how each one ended. Does I/O (SQLite); errors propagate.
import type { Database } from './sqlite.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'expired';

export interface WebhookDelivery {
  /** The transition's delivery id (x-jaga-delivery); the same for every URL that gets the transition. */
  readonly id: string;
  readonly url: string;
  /** Exactly the bytes POSTed and signed, on every attempt. */
  readonly body: string;
  readonly createdAt: number;
  readonly status: DeliveryStatus;
  /** Attempts made (answered or not); an expiry is not an attempt. */
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastAttemptAt: number | null;
  readonly lastError: string | null;
  /** When it stopped being pending: delivered or expired. */
  readonly finishedAt: number | null;
}

export type NewWebhookDelivery = Pick<WebhookDelivery, 'id' | 'url' | 'body' | 'createdAt'>;

export interface DeliveryStats {
  readonly pending: number;
  readonly oldestPendingAt: number | null;
}

interface Row {
  id: string;
  url: string;
  body: string;
  created_at: number;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  finished_at: number | null;
}

export class WebhookDeliveryRepository {
  private readonly insertStmt;
  private readonly headStmt;
  private readonly deliveredStmt;
  private readonly retryStmt;
  private readonly expiredStmt;
  private readonly listStmt;
  private readonly statsStmt;
  private readonly pruneStmt;

  constructor(db: Database) {
    // OR IGNORE: the same transition enqueued twice for the same URL is stored (and sent) once.
    this.insertStmt = db.prepare<NewWebhookDelivery>(
      `INSERT OR IGNORE INTO webhook_deliveries (id, url, body, created_at, status, attempts, next_attempt_at)
       VALUES (@id, @url, @body, @createdAt, 'pending', 0, @createdAt)`,
    );
    // The head of a URL's queue, due or not: deliveries to one URL go strictly in order.
    this.headStmt = db.prepare<[string], Row>(
      `SELECT * FROM webhook_deliveries WHERE url = ? AND status = 'pending' ORDER BY created_at, rowid LIMIT 1`,
    );
    // Every update is guarded by status = 'pending': a finished delivery is never reopened.
    this.deliveredStmt = db.prepare<{ url: string; id: string; at: number }>(
      `UPDATE webhook_deliveries
       SET status = 'delivered', attempts = attempts + 1, last_attempt_at = @at, finished_at = @at, last_error = NULL
       WHERE url = @url AND id = @id AND status = 'pending'`,
    );
    this.retryStmt = db.prepare<{ url: string; id: string; at: number; nextAttemptAt: number; error: string }>(
      `UPDATE webhook_deliveries
       SET attempts = attempts + 1, last_attempt_at = @at, next_attempt_at = @nextAttemptAt, last_error = @error
       WHERE url = @url AND id = @id AND status = 'pending'`,
    );
    this.expiredStmt = db.prepare<{ url: string; id: string; at: number; error: string }>(
      `UPDATE webhook_deliveries SET status = 'expired', finished_at = @at, last_error = @error
       WHERE url = @url AND id = @id AND status = 'pending'`,
    );
    this.listStmt = db.prepare<{ url: string | null; limit: number }, Row>(
      `SELECT * FROM webhook_deliveries WHERE @url IS NULL OR url = @url ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
    );
    this.statsStmt = db.prepare<[], { pending: number; oldest: number | null }>(
      `SELECT count(*) AS pending, min(created_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'`,
    );
    this.pruneStmt = db.prepare<[number]>(`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < ?`);
  }

  /** Stores a delivery as pending, due at once. Returns false when (url, id) was already there. */
  enqueue(delivery: NewWebhookDelivery): boolean {
    return this.insertStmt.run(delivery).changes === 1;
  }

  /** The oldest pending delivery to `url` (by created_at, then insertion order), whether due or not. */
  head(url: string): WebhookDelivery | null {
    const row = this.headStmt.get(url);
    return row ? toDelivery(row) : null;
  }

  /** The receiver answered 2xx. */
  markDelivered(url: string, id: string, at: number): void {
    this.deliveredStmt.run({ url, id, at });
  }

  /** No answer or not 2xx: counts the attempt and sets when to try again. */
  markRetry(url: string, id: string, at: number, nextAttemptAt: number, error: string): void {
    this.retryStmt.run({ url, id, at, nextAttemptAt, error });
  }

  /** Given up: older than max_age. */
  markExpired(url: string, id: string, at: number, error: string): void {
    this.expiredStmt.run({ url, id, at, error });
  }

  /** Newest first; all URLs when `url` is null. */
  list(url: string | null, limit: number): WebhookDelivery[] {
    return this.listStmt.all({ url, limit }).map(toDelivery);
  }

  stats(): DeliveryStats {
    const row = this.statsStmt.get() ?? { pending: 0, oldest: null };
    return { pending: row.pending, oldestPendingAt: row.oldest };
  }

  /** Deletes deliveries that finished before `at`; pending ones are never deleted. Returns rows deleted. */
  pruneFinishedBefore(at: number): number {
    return this.pruneStmt.run(at).changes;
  }
}

function toDelivery(row: Row): WebhookDelivery {
  return {
    id: row.id,
    url: row.url,
    body: row.body,
    createdAt: row.created_at,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    finishedAt: row.finished_at,
  };
}
