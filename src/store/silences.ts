// Owns the `silences` table: silences made over the API, who made and who expired them.
// Does I/O (SQLite); errors (e.g. a duplicate id) propagate.
import type { Matchers, Silence } from '../core/alerts/types.js';
import { isShowableInstant } from '../core/reasons.js';
import type { Database } from './sqlite.js';

export interface StoredSilence extends Silence {
  readonly createdAt: number;
  readonly expiredAt: number | null;
  readonly expiredBy: string | null;
}

export interface SilenceQuery {
  /** Only silences muting at this instant: startsAt <= t < endsAt, not expired. */
  readonly activeAt?: number;
  /** Only silences active or still to come at this instant: t < endsAt, not expired. */
  readonly current?: number;
  readonly limit: number;
}

interface Row {
  id: string;
  matchers_json: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  expired_at: number | null;
  expired_by: string | null;
}

export class SilenceRepository {
  private readonly insertStmt;
  private readonly expireStmt;
  private readonly getStmt;
  private readonly listStmt;

  constructor(db: Database) {
    this.insertStmt = db.prepare<[string, string, number, number, string, string, number]>(
      `INSERT INTO silences (id, matchers_json, starts_at, ends_at, created_by, comment, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // Cutting ends_at to the expiry instant keeps "active" a property of the times alone, so a reader
    // that ignores expired_at still stops muting at the right moment.
    this.expireStmt = db.prepare<{ id: string; by: string; at: number }, Row>(
      `UPDATE silences SET expired_at = @at, expired_by = @by, ends_at = min(ends_at, @at)
       WHERE id = @id AND expired_at IS NULL AND ends_at > @at
       RETURNING *`,
    );
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM silences WHERE id = ?');
    this.listStmt = db.prepare<{ activeAt: number | null; current: number | null; limit: number }, Row>(
      `SELECT * FROM silences
       WHERE (@activeAt IS NULL OR (expired_at IS NULL AND starts_at <= @activeAt AND @activeAt < ends_at))
         AND (@current IS NULL OR (expired_at IS NULL AND @current < ends_at))
       ORDER BY created_at DESC, id DESC
       LIMIT @limit`,
    );
  }

  insert(s: Silence & { readonly createdAt: number }): void {
    if (!(s.endsAt > s.startsAt)) throw new RangeError(`silence ${s.id}: endsAt must be after startsAt`);
    this.insertStmt.run(s.id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.comment, s.createdAt);
  }

  /**
   * Ends the silence at `at` (endsAt becomes min(endsAt, at)). Null when the id is unknown, or the
   * silence was already expired or had already ended.
   */
  expire(id: string, by: string, at: number): StoredSilence | null {
    const row = this.expireStmt.get({ id, by, at });
    return row ? toSilence(row) : null;
  }

  get(id: string): StoredSilence | null {
    const row = this.getStmt.get(id);
    return row ? toSilence(row) : null;
  }

  /** Newest first (created_at, then id). Both filters may be combined. */
  list(q: SilenceQuery): StoredSilence[] {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive integer, got ${q.limit}`);
    return this.listStmt
      .all({ activeAt: q.activeAt ?? null, current: q.current ?? null, limit: q.limit })
      .map(toSilence);
  }
}

function toSilence(row: Row): StoredSilence {
  // A window past the Date range was stored before requests had limits: read it as over (alerts notify).
  const showable = isShowableInstant(row.starts_at) && isShowableInstant(row.ends_at);
  return {
    id: row.id,
    matchers: JSON.parse(row.matchers_json) as Matchers,
    startsAt: showable ? row.starts_at : row.created_at,
    endsAt: showable ? row.ends_at : row.created_at,
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: row.created_at,
    expiredAt: row.expired_at,
    expiredBy: row.expired_by,
  };
}
