// Owns the `transitions` table: every change of the gate, with its reasons and evidence, newest first.
// A manual halt is stored as its override's id and read back with the override's facts.
// Does I/O (SQLite); errors propagate to the caller.
import { manualHaltFacts } from '../core/reasons.js';
import type { GateStateName, Reason, ReasonCode, Transition } from '../core/types.js';
import type { OverrideRepository } from './overrides.js';
import type { Database } from './sqlite.js';

/**
 * A transition read back without its evidence, which the public history, the feed and the report never
 * show: evidence is up to 32 KiB a row, and parsing it is most of what a read costs.
 */
export type StoredTransition = Omit<Transition, 'evidence'> & { readonly id: number };

/** A transition read back with its evidence. */
export type TransitionRecord = Transition & { readonly id: number };

/** Evidence left unparsed because it is longer than the reader's bound: its size, as the API shows it. */
export type EvidenceSize = { readonly truncated: true; readonly bytes: number };

/** A transition read with evidence up to a bound; `evidenceBytes` is the stored evidence's size either way. */
export type BoundedTransition = StoredTransition & {
  readonly evidence: Transition['evidence'] | EvidenceSize;
  readonly evidenceBytes: number;
};

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

export interface TransitionPage<T> {
  readonly items: T[];
  /** Cursor for the next (older) page, or null when this page is the last. */
  readonly nextBefore: number | null;
}

interface Row {
  id: number;
  at: number;
  from_state: string | null;
  to_state: string;
  reasons_json: string;
  /** Null when the read leaves it out. */
  evidence_json: string | null;
  evidence_bytes: number;
}

interface ListParams {
  since: number | null;
  until: number | null;
  reason: string | null;
  before: number | null;
  limit: number;
  evidenceMaxBytes: number;
}

/** `evidenceMaxBytes` that leaves every evidence out, and one that leaves none out. */
const NO_EVIDENCE = -1;
const ALL_EVIDENCE = Number.MAX_SAFE_INTEGER;

// A column list for reads that may leave evidence out: SQLite then neither copies it out of the row's
// overflow pages nor hands it to us. octet_length is the UTF-8 size the API reports, read from the
// record header without loading the text.
const COLUMNS = `id, at, from_state, to_state, reasons_json, octet_length(evidence_json) AS evidence_bytes,
  CASE WHEN octet_length(evidence_json) <= @evidenceMaxBytes THEN evidence_json END AS evidence_json`;

export class TransitionRepository {
  private readonly insertStmt;
  private readonly listStmt;
  private readonly pruneStmt;
  private readonly rangeStmt;
  private readonly lastBeforeStmt;

  /** `overrides` is the store's own: a stored manual halt is given its override's facts from it. */
  constructor(
    db: Database,
    private readonly overrides: Pick<OverrideRepository, 'get'>,
  ) {
    this.insertStmt = db.prepare<[number, string | null, string, string, string]>(
      'INSERT INTO transitions (at, from_state, to_state, reasons_json, evidence_json) VALUES (?, ?, ?, ?, ?)',
    );
    // Ordered by id (insertion order), which is also what the cursor pages on.
    this.listStmt = db.prepare<ListParams, Row>(`
      SELECT ${COLUMNS} FROM transitions t
      WHERE (@since IS NULL OR t.at >= @since)
        AND (@until IS NULL OR t.at < @until)
        AND (@before IS NULL OR t.id < @before)
        AND (@reason IS NULL OR EXISTS (
          SELECT 1 FROM json_each(t.reasons_json) r WHERE json_extract(r.value, '$.code') = @reason))
      ORDER BY t.id DESC
      LIMIT @limit`);
    this.rangeStmt = db.prepare<{ since: number; until: number; evidenceMaxBytes: number }, Row>(
      `SELECT ${COLUMNS} FROM transitions WHERE at >= @since AND at < @until ORDER BY id`,
    );
    this.lastBeforeStmt = db.prepare<{ since: number; evidenceMaxBytes: number }, Row>(
      `SELECT ${COLUMNS} FROM transitions WHERE at < @since ORDER BY id DESC LIMIT 1`,
    );
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

  /**
   * Every transition with since <= at < until, oldest first, and the one before (the state at `since`),
   * without evidence.
   */
  period(since: number, until: number): { before: StoredTransition | null; items: StoredTransition[] } {
    const before = this.lastBeforeStmt.get({ since, evidenceMaxBytes: NO_EVIDENCE });
    const read = this.reader();
    return { before: before ? read(before) : null, items: this.rangeStmt.all({ since, until, evidenceMaxBytes: NO_EVIDENCE }).map(read) };
  }

  /** A page of transitions, newest first, with their evidence. */
  list(q: TransitionQuery): TransitionPage<TransitionRecord> {
    const read = this.reader();
    // ALL_EVIDENCE leaves no evidence out: evidence_json is the stored text.
    return this.page(q, ALL_EVIDENCE, (row) => ({ ...read(row), evidence: parseEvidence(row.evidence_json as string) }));
  }

  /** A page of transitions, newest first, without their evidence. */
  listWithoutEvidence(q: TransitionQuery): TransitionPage<StoredTransition> {
    return this.page(q, NO_EVIDENCE, this.reader());
  }

  /**
   * A page of transitions, newest first, with their evidence, except that an evidence longer than
   * `evidenceMaxBytes` (UTF-8) is not parsed: it is given as its size, which is all a reader bounding
   * it would show.
   */
  listBoundingEvidence(q: TransitionQuery, evidenceMaxBytes: number): TransitionPage<BoundedTransition> {
    const read = this.reader();
    return this.page(q, evidenceMaxBytes, (row) => ({
      ...read(row),
      evidence: row.evidence_json === null ? { truncated: true, bytes: row.evidence_bytes } : parseEvidence(row.evidence_json),
      evidenceBytes: row.evidence_bytes,
    }));
  }

  /** Deletes transitions before `at` (epoch ms), always keeping the newest one. Returns rows deleted. */
  pruneOlderThan(at: number): number {
    return this.pruneStmt.run(at).changes;
  }

  private page<T>(q: TransitionQuery, evidenceMaxBytes: number, read: (row: Row) => T): TransitionPage<T> {
    if (!Number.isInteger(q.limit) || q.limit < 1) throw new RangeError(`limit must be a positive integer, got ${q.limit}`);
    // One row more than asked tells whether an older page exists without a second query.
    const rows = this.listStmt.all({
      since: q.since ?? null,
      until: q.until ?? null,
      reason: q.reason ?? null,
      before: q.before ?? null,
      limit: q.limit + 1,
      evidenceMaxBytes,
    });
    const kept = rows.slice(0, q.limit);
    const last = kept[kept.length - 1];
    return { items: kept.map(read), nextBefore: rows.length > q.limit && last ? last.id : null };
  }

  /**
   * Turns rows into transitions without evidence, giving each stored manual halt its override's facts
   * again (looked up once per override per read; null facts' values when the override is somehow gone).
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
    // Only a manual halt is stored without facts (storedReason); its subject is the override's id.
    const withFacts = (r: StoredReason): Reason => (r.code === 'MANUAL_HALT' && r.facts === undefined ? { ...r, facts: factsOf(r.subject) } : (r as Reason));
    return (row) => ({
      id: row.id,
      at: row.at,
      from: row.from_state as GateStateName | null,
      to: row.to_state as GateStateName,
      reasons: (JSON.parse(row.reasons_json) as StoredReason[]).map(withFacts),
    });
  }
}

function parseEvidence(text: string): Transition['evidence'] {
  return JSON.parse(text) as Transition['evidence'];
}

/** A reason as stored: a manual halt without facts (rows written before this change still have them). */
type StoredReason = Omit<Reason, 'facts'> & { readonly facts?: Reason['facts'] };

/** A manual halt's facts are its override's (who, why, until when, up to 500 characters): kept once, in `overrides`. */
function storedReason(r: Reason): StoredReason {
  if (r.code !== 'MANUAL_HALT') return r;
  const { facts: _facts, ...reference } = r;
  return reference;
}
