// Owns the `audit` table: who did what by hand (override.create, override.lift, ...), newest first.
// Does I/O (SQLite); errors propagate.
import type { Database } from './sqlite.js';

export interface AuditEntry {
  readonly at: number;
  readonly actor: string;
  /** Dotted verb, e.g. 'override.create', 'override.lift'. */
  readonly action: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export type StoredAuditEntry = AuditEntry & { readonly id: number };

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  detail_json: string;
}

export class AuditRepository {
  private readonly insertStmt;
  private readonly listStmt;

  constructor(db: Database) {
    this.insertStmt = db.prepare<[number, string, string, string]>(
      'INSERT INTO audit (at, actor, action, detail_json) VALUES (?, ?, ?, ?)',
    );
    this.listStmt = db.prepare<[number], Row>('SELECT * FROM audit ORDER BY id DESC LIMIT ?');
  }

  /** Stores an entry and returns its id. */
  append(e: AuditEntry): number {
    return Number(this.insertStmt.run(e.at, e.actor, e.action, JSON.stringify(e.detail)).lastInsertRowid);
  }

  list(limit: number): StoredAuditEntry[] {
    return this.listStmt.all(limit).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      detail: JSON.parse(r.detail_json) as Record<string, unknown>,
    }));
  }
}
