// The outbox while SQLite refuses writes (disk full, read-only): notifications that could not be written
// are held here, bounded, and handed to the sender with the stored ones, oldest first; outcomes the
// database would not take are held too, so a message already sent is never sent again. All of it is
// written to SQLite as soon as writes work. Not durable: a restart loses what only memory held.
// I/O: SQLite through the repository.
import type { Logger } from 'pino';
import type { DueQuery, NewOutboxMessage, OutboxMessage, OutboxRepository } from '../store/outbox.js';
import type { Clock } from '../runtime/clock.js';
import type { WriteFailures } from '../store/write-failures.js';
import type { OutboxQueue } from '../outbox/sender.js';

type Outcome =
  | { readonly kind: 'sent'; readonly at: number }
  | { readonly kind: 'retry'; readonly nextAttemptAt: number; readonly error: string; readonly at: number }
  | { readonly kind: 'failed' | 'expired'; readonly error: string; readonly at: number };

export interface OutboxFallbackDeps {
  readonly logger: Logger;
  /** Failures to record a delivery outcome in SQLite (counted and logged there). */
  readonly failures: WriteFailures;
  readonly clock: Clock;
}

const byAge = (a: OutboxMessage, b: OutboxMessage): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class OutboxFallback implements OutboxQueue {
  private readonly held = new Map<string, OutboxMessage>();
  /** Outcomes of stored messages that SQLite did not take yet, in the order they happened. */
  private outcomes: { readonly id: string; readonly outcome: Outcome }[] = [];

  constructor(
    private readonly repo: OutboxRepository,
    /** At most this many messages are held; beyond it the oldest finished, then the oldest pending, go. */
    private readonly maxHeld: number,
    private readonly deps: OutboxFallbackDeps,
  ) {}

  /** Something waits to be written to SQLite. */
  get unwritten(): boolean {
    return this.held.size > 0 || this.outcomes.length > 0;
  }

  /** Held messages not yet sent, and the oldest one's createdAt. */
  get pending(): { readonly count: number; readonly oldestAt: number | null } {
    const waiting = [...this.held.values()].filter((m) => m.status === 'pending');
    return { count: waiting.length, oldestAt: waiting.length === 0 ? null : Math.min(...waiting.map((m) => m.createdAt)) };
  }

  /** Keeps messages the database did not take; the sender sends them from here. */
  hold(messages: readonly NewOutboxMessage[]): void {
    for (const m of messages) {
      if (this.held.has(m.id)) continue;
      this.held.set(m.id, { ...m, status: 'pending', attempts: 0, nextAttemptAt: m.createdAt, lastAttemptAt: null, lastError: null, sentAt: null, finishedAt: null });
    }
    while (this.held.size > this.maxHeld) {
      const all = [...this.held.values()].sort(byAge);
      const victim = (all.find((m) => m.status !== 'pending') ?? all[0]) as OutboxMessage;
      this.held.delete(victim.id);
      this.deps.logger.error({ notification: victim.id, recipient: victim.recipient, status: victim.status }, 'too many notifications held in memory while the database refuses writes; dropped the oldest');
    }
  }

  /** Writes everything held. Call inside the caller's transaction, and `written()` once it committed. */
  write(): void {
    for (const m of this.held.values()) this.repo.restore(m);
    for (const { id, outcome } of this.outcomes) this.apply(id, outcome);
  }

  written(): void {
    if (!this.unwritten) return;
    this.deps.logger.info({ messages: this.held.size, outcomes: this.outcomes.length }, 'notifications held in memory are now in the outbox');
    this.held.clear();
    this.outcomes = [];
  }

  nextDue(q: DueQuery): OutboxMessage | null {
    const due = dueIn(q);
    const fromMemory = [...this.held.values()].filter((m) => m.status === 'pending' && due(m)).sort(byAge)[0] ?? null;
    let fromStore: OutboxMessage | null;
    try {
      fromStore = this.nextStored(q, due);
    } catch (error) {
      if (fromMemory === null) throw error;
      fromStore = null; // what memory holds still goes out
    }
    if (fromMemory === null || fromStore === null) return fromMemory ?? fromStore;
    return byAge(fromMemory, fromStore) <= 0 ? fromMemory : fromStore;
  }

  markSent(id: string, at: number): void {
    this.record(id, { kind: 'sent', at }, (m) => ({ ...m, status: 'sent', attempts: m.attempts + 1, lastAttemptAt: at, sentAt: at, finishedAt: at, lastError: null }));
  }

  markRetry(id: string, nextAttemptAt: number, error: string, at: number): void {
    this.record(id, { kind: 'retry', nextAttemptAt, error, at }, (m) => ({ ...m, attempts: m.attempts + 1, nextAttemptAt, lastError: error, lastAttemptAt: at }));
  }

  markFailed(id: string, error: string, at: number): void {
    this.record(id, { kind: 'failed', error, at }, (m) => ({ ...m, status: 'failed', attempts: m.attempts + 1, lastError: error, lastAttemptAt: at, finishedAt: at }));
  }

  markExpired(id: string, error: string, at: number): void {
    this.record(id, { kind: 'expired', error, at }, (m) => ({ ...m, status: 'expired', lastError: error, finishedAt: at }));
  }

  /** The oldest stored message that is due, seen through the outcomes not yet written. */
  private nextStored(q: DueQuery, due: (m: OutboxMessage) => boolean): OutboxMessage | null {
    if (this.outcomes.length === 0) return this.repo.nextDue(q);
    const latest = new Map<string, Outcome>();
    const retries = new Map<string, number>();
    for (const { id, outcome } of this.outcomes) {
      latest.set(id, outcome);
      if (outcome.kind === 'retry') retries.set(id, (retries.get(id) ?? 0) + 1);
    }
    for (const row of this.repo.due(q, latest.size + 1)) {
      const outcome = latest.get(row.id);
      if (outcome === undefined) return row;
      if (outcome.kind !== 'retry') continue;
      const seen = { ...row, attempts: row.attempts + (retries.get(row.id) ?? 0), nextAttemptAt: outcome.nextAttemptAt, lastError: outcome.error };
      if (due(seen)) return seen;
    }
    return null;
  }

  private record(id: string, outcome: Outcome, update: (m: OutboxMessage) => OutboxMessage): void {
    const held = this.held.get(id);
    if (held !== undefined) {
      this.held.set(id, held.status === 'pending' ? update(held) : held);
      return;
    }
    // An earlier outcome of this message still waits: keep the order, or a retry could land after "sent".
    if (this.outcomes.some((o) => o.id === id)) {
      this.outcomes.push({ id, outcome });
      return;
    }
    try {
      this.apply(id, outcome);
      this.deps.failures.succeeded(this.deps.clock.now());
    } catch (error) {
      this.deps.failures.failed(error, this.deps.clock.now(), { notification: id, outcome: outcome.kind });
      this.outcomes.push({ id, outcome });
    }
  }

  private apply(id: string, outcome: Outcome): void {
    switch (outcome.kind) {
      case 'sent':
        return this.repo.markSent(id, outcome.at);
      case 'retry':
        return this.repo.markRetry(id, outcome.nextAttemptAt, outcome.error, outcome.at);
      case 'failed':
        return this.repo.markFailed(id, outcome.error, outcome.at);
      case 'expired':
        return this.repo.markExpired(id, outcome.error, outcome.at);
    }
  }
}

/** The repository's DueQuery, for rows memory holds (lane-less alert notifications). */
function dueIn(q: DueQuery): (m: OutboxMessage) => boolean {
  const horizonMs = q.horizonMs ?? Number.POSITIVE_INFINITY;
  const busy = new Set(q.busy ?? []);
  return (m) =>
    (m.nextAttemptAt <= q.now || m.expiresAt <= q.now || m.nextAttemptAt - q.now > horizonMs) &&
    !busy.has(m.lane ?? m.channel) &&
    (q.channels === undefined || q.channels.includes(m.channel));
}
