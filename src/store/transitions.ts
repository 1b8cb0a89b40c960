// Owns the `transitions` table: every change of the gate, with its reasons and evidence, newest first.
// Does I/O (SQLite); errors propagate to the caller.
import type { GateStateName, Reason, ReasonCode, Transition } from '../domain/types.js';
import type { Database } from './sqlite.js';

export type StoredTransition = Transition & { readonly id: number };

export interface TransitionQuery {
  /** Inclusive lower bound on `at` (epoch ms). */
  readonly since?: number;
  /** Exclusive upper bound on `at` (epoch ms). */
  readonly until?: number;
  /** Only transitions with at least one reason of this code. */
  readonly reason?: ReasonCode;
  /** Page size, a positive integer. */
  readonly limit: number;
  /** Cursor: only ids strictly below this (pass the previous page's `nextBefore`). */
  readonly before?: number;
}

export interface TransitionPage {
  readonly items: StoredTransition[];
  /** Cursor for the next (older) page, or null when this page is the last. */
  readonly nextBefore: number | null;
}

interface Row {
  id: number;
  at: number;
  from_state: string | null;
  to_state: string;
  reasons_json: string;
  evidence_json: string;
}

interface ListParams {
  since: number | null;
  until: number | null;
  reason: string | null;
  before: number | null;
  limit: number;
}

export class TransitionRepository {
  private readonly insertStmt;
  private readonly listStmt;
  private readonly pruneStmt;
  private readonly rangeStmt;
  private readonly lastBeforeStmt;

  constructor(db: Database) {
    this.insertStmt = db.prepare<[number, string | null, string, string, string]>(
      'INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)',
    );
    // Ordered by id (insertion order), which is also what the cursor pages on.
    this.listStmt = db.prepare<ListParams, Row>(`
      SELECT * FROM transitions t
      WHERE (@since IS NULL OR t.at >= @since)
        AND (@until IS NULL OR t.at < @until)
        AND (@before IS NULL OR t.id < @before)
        AND (@reason IS NULL OR EXISTS (
          SELECT 1 FROM json_each(t.reasons_json) r WHERE json_extract(r.value, '$.code') = @reason))
      ORDER BY t.id DESC
      LIMIT @limit`);
    this.rangeStmt = db.prepare<[number, number], Row>('SELECT * FROM transitions WHERE at >= ? AND at < ? ORDER BY id');
    this.lastBeforeStmt = db.prepare<[number], Row>('SELECT * FROM transitions WHERE at < ? ORDER BY id DESC LIMIT 1');
    // The newest transition explains the current state, so it survives any prune.
    this.pruneStmt = db.prepare<[number]>(
      'DELETE FROM transitions WHERE at < ? AND id < (SELECT max(id) FROM transitions)',
    );
  }

  /** Stores a transition and returns its id. */
  append(t: Transition): number {
    const result = this.insertStmt.run(
      t.at,
      t.from,
      t.to,
      JSON.stringify(t.reasons),
      JSON.stringify(t.evidence),
    );
    return Number(result.lastInsertRowid);
  }

  /** Every transition with since <= at < until, oldest first, and the one before (the state at `since`). */
  period(since: number, until: number): { before: StoredTransition | null; items: StoredTransition[] } {
    const before = this.lastBeforeStmt.get(since);
    return { before: before ? toTransition(before) : null, items: this.rangeStmt.all(since, until).map(toTransition) };
  }

  list(q: TransitionQuery): TransitionPage {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive integer, got ${q.limit}`);
    // One row more than asked tells whether an older page exists without a second query.
    const rows = this.listStmt.all({
      since: q.since ?? null,
      until: q.until ?? null,
      reason: q.reason ?? null,
      before: q.before ?? null,
      limit: q.limit + 1,
    });
    const items = rows.slice(0, q.limit).map(toTransition);
    const last = items[items.length - 1];
    return { items, nextBefore: rows.length > q.limit && last ? last.id : null };
  }

  /** Deletes transitions before `at` (epoch ms), always keeping the newest one. Returns rows deleted. */
  pruneOlderThan(at: number): number {
    return this.pruneStmt.run(at).changes;
  }
}

function toTransition(row: Row): StoredTransition {
  return {
    id: row.id,
    at: row.at,
    from: row.from_state as GateStateName | null,
    to: row.to_state as GateStateName,
    reasons: JSON.parse(row.reasons_json) as Reason[],
    evidence: JSON.parse(row.evidence_json) as Record<string, unknown>,
  };
}
