// Owns the `transitions` table: every change of the gate, with its reasons and evidence, newest first.
// A manual halt is stored as its override's id and read back with the override's facts.
// Does I/O (SQLite); errors propagate to the caller.
import { manualHaltFacts } from '../domain/reasons.js';
import type { GateStateName, Reason, ReasonCode, Transition } from '../domain/types.js';
import { OverrideRepository } from './overrides.js';
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
  private readonly overrides: OverrideRepository;

  constructor(db: Database) {
    this.overrides = new OverrideRepository(db);
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
      JSON.stringify(t.reasons.map(storedReason)),
      JSON.stringify(t.evidence),
    );
    return Number(result.lastInsertRowid);
  }

  /** Every transition with since <= at < until, oldest first, and the one before (the state at `since`). */
  period(since: number, until: number): { before: StoredTransition | null; items: StoredTransition[] } {
    const before = this.lastBeforeStmt.get(since);
    const read = this.reader();
    return { before: before ? read(before) : null, items: this.rangeStmt.all(since, until).map(read) };
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
    const items = rows.slice(0, q.limit).map(this.reader());
    const last = items[items.length - 1];
    return { items, nextBefore: rows.length > q.limit && last ? last.id : null };
  }

  /** Deletes transitions before `at` (epoch ms), always keeping the newest one. Returns rows deleted. */
  pruneOlderThan(at: number): number {
    return this.pruneStmt.run(at).changes;
  }

  /**
   * Turns rows into transitions, giving each stored manual halt its override's facts again (looked up
   * once per override per read; null facts' values when the override is somehow gone).
   */
  private reader(): (row: Row) => StoredTransition {
    const facts = new Map<string, Reason['facts']>();
    const factsOf = (id: string): Reason['facts'] => {
      let found = facts.get(id);
      if (found === undefined) {
        const override = this.overrides.get(id);
        found = override ? manualHaltFacts(override) : { by: null, reason: null, expiresAt: null };
        facts.set(id, found);
      }
      return found;
    };
    return (row) => ({
      id: row.id,
      at: row.at,
      from: row.from_state as GateStateName | null,
      to: row.to_state as GateStateName,
      reasons: (JSON.parse(row.reasons_json) as StoredReason[]).map((r) => (r.facts === undefined ? { ...r, facts: factsOf(r.subject) } : { ...r, facts: r.facts })),
      evidence: JSON.parse(row.evidence_json) as Record<string, unknown>,
    });
  }
}

/** A reason as stored: a manual halt without facts (rows written before this change still have them). */
type StoredReason = Omit<Reason, 'facts'> & { readonly facts?: Reason['facts'] };

/** A manual halt's facts are its override's (who, why, until when, up to 500 characters): kept once, in `overrides`. */
function storedReason(r: Reason): StoredReason {
  if (r.code !== 'MANUAL_HALT') return r;
  const { facts: _facts, ...reference } = r;
  return reference;
}
