// Owns the `overrides` table: manual halt/allow decisions, their expiry and who lifted them.
// Does I/O (SQLite); errors (e.g. a duplicate id) propagate.
import { usableExpiry } from '../core/reasons.js';
import type { Override } from '../core/types.js';
import type { Database } from './sqlite.js';

export interface OverrideQuery {
  /** Only overrides in force at this instant: not lifted, and no expiry or expiry strictly after it. */
  readonly activeAt?: number;
  readonly limit?: number;
}

interface Row {
  id: string;
  action: string;
  reason: string;
  by: string;
  created_at: number;
  expires_at: number | null;
  lifted_at: number | null;
  lifted_by: string | null;
}

export class OverrideRepository {
  private readonly insertStmt;
  private readonly liftStmt;
  private readonly getStmt;
  private readonly listStmt;

  constructor(db: Database) {
    this.insertStmt = db.prepare<[string, string, string, string, number, number | null, number | null, string | null]>(
      `INSERT INTO overrides (id, action, reason, "by", created_at, expires_at, lifted_at, lifted_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.liftStmt = db.prepare<[number, string, string], Row>(
      'UPDATE overrides SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL RETURNING *',
    );
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM overrides WHERE id = ?');
    this.listStmt = db.prepare<{ activeAt: number | null; limit: number }, Row>(`
      SELECT * FROM overrides
      WHERE @activeAt IS NULL OR (lifted_at IS NULL AND (expires_at IS NULL OR expires_at > @activeAt))
      ORDER BY created_at DESC, rowid DESC
      LIMIT @limit`);
  }

  insert(o: Override): void {
    this.insertStmt.run(o.id, o.action, o.reason, o.by, o.createdAt, o.expiresAt, o.liftedAt, o.liftedBy);
  }

  /** Marks the override lifted. Null when the id is unknown or it was already lifted. */
  lift(id: string, by: string, at: number): Override | null {
    const row = this.liftStmt.get(at, by, id);
    return row ? toOverride(row) : null;
  }

  get(id: string): Override | null {
    const row = this.getStmt.get(id);
    return row ? toOverride(row) : null;
  }

  /** Newest first; all overrides unless `activeAt` is given; no limit unless `limit` is given. */
  list(q: OverrideQuery = {}): Override[] {
    return this.listStmt.all({ activeAt: q.activeAt ?? null, limit: q.limit ?? -1 }).map(toOverride);
  }
}

function toOverride(row: Row): Override {
  return {
    id: row.id,
    action: row.action as Override['action'],
    reason: row.reason,
    by: row.by,
    createdAt: row.created_at,
    expiresAt: usableExpiry(row.action as Override['action'], row.created_at, row.expires_at),
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
  };
}
