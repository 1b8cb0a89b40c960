// Owns the `gate_action_state` table: per gate action, the last gate state it has handled, so that a
// restart tells a transition already handled from one still to handle. Does I/O (SQLite); errors propagate.
import type { GateStateName } from '../core/types.js';
import type { Database } from './sqlite.js';

/** A gate state period: what it was and since when. */
export interface GateMark {
  readonly state: GateStateName;
  readonly since: number;
}

export class GateActionStateRepository {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Database) {
    this.getStmt = db.prepare<[string], { state: string; since: number }>('SELECT state, since FROM gate_action_state WHERE action = ?');
    this.putStmt = db.prepare<{ action: string; state: GateStateName; since: number; at: number }>(
      `INSERT INTO gate_action_state (action, state, since, updated_at) VALUES (@action, @state, @since, @at)
       ON CONFLICT (action) DO UPDATE SET state = excluded.state, since = excluded.since, updated_at = excluded.updated_at`,
    );
  }

  /** The last state `action` (its stable key) handled; null when it never handled one. */
  load(action: string): GateMark | null {
    const row = this.getStmt.get(action);
    return row ? { state: row.state as GateStateName, since: row.since } : null;
  }

  save(action: string, mark: GateMark, at: number): void {
    this.putStmt.run({ action, state: mark.state, since: mark.since, at });
  }
}
