// The one outbox sender: hands due rows of every channel (email, webhook, ...) to their notifier, oldest
// first, at most one send at a time per lane (or per channel for rows without one), and records how
// each attempt ended (sent / retry with backoff / failed / expired). I/O: SQLite, notifiers, logs;
// every wait and every draw is on the Clock, every send awaited through clock.within.
import type { Logger } from 'pino';
import { retryDelayMs } from '../core/backoff.js';
import type { Clock } from '../runtime/clock.js';
import { Wakeable } from '../runtime/wakeable.js';
import type { OutboxMessage, OutboxRepository } from '../store/outbox.js';
import type { Notifier, OutboxResult, SendOutcome } from './notifier.js';

/** What the sender needs from an outbox: the SQLite repository, or the fallback in front of it. */
export type OutboxQueue = Pick<OutboxRepository, 'nextDue' | 'markSent' | 'markRetry' | 'markFailed' | 'markExpired'>;

export interface OutboxSenderDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Every result, in the channel's own words (Notifier.results): for metrics. */
  readonly onResult: (channel: string, result: string) => void;
  /** How often to look for due rows when nothing wakes the loop. Default 1000. */
  readonly pollMs?: number;
}

/** One send at a time per lane; rows without a lane share their channel's. */
const slotOf = (m: OutboxMessage): string => m.lane ?? m.channel;

export class OutboxSender {
  private readonly pollMs: number;
  /** A next attempt further ahead than the longest backoff was set before the wall clock stepped back. */
  private readonly horizonMs: number;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Set when stop() stopped waiting for in-flight sends: their results must not be written any more. */
  private abandoned = false;
  private readonly doze: Wakeable;
  private readonly inFlight = new Map<string, { readonly message: OutboxMessage; readonly done: Promise<void> }>();
  /** After a failure of a channel's server, nothing of that channel is tried before this instant. */
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly queue: OutboxQueue,
    /** By channel name: the rows of a channel not here wait (its server is not configured now). */
    private readonly notifiers: Readonly<Record<string, Notifier>>,
    private readonly deps: OutboxSenderDeps,
  ) {
    this.pollMs = deps.pollMs ?? 1_000;
    this.horizonMs = Math.max(0, ...Object.values(notifiers).map((n) => n.backoff.retryMaxMs));
    this.doze = new Wakeable(deps.clock);
  }

  /** Starts the loop. A sender runs once: after stop(), build a new one. */
  start(): void {
    if (this.stopping) throw new Error('OutboxSender cannot be started again after stop()');
    this.loop ??= this.run();
  }

  /** New rows were enqueued: look now instead of at the next poll. */
  kick(): void {
    this.doze.kick();
  }

  /**
   * Stops the loop and waits up to `graceMs` for sends in flight. A send still running after that is
   * left alone and its outcome not recorded: the row stays pending and goes again after a restart.
   * The caller closes the notifiers afterwards, which ends such a send.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.doze.interrupt();
    await this.loop;
    const sends = [...this.inFlight.values()];
    const finished = await this.deps.clock.within(Promise.all(sends.map((s) => s.done)).then(() => true), graceMs, () => false);
    if (finished) return;
    this.abandoned = true;
    for (const { message } of this.inFlight.values()) {
      const notifier = this.notifiers[message.channel];
      if (notifier) this.deps.logger.warn({ ...notifier.logFields(message), graceMs }, notifier.words.abandoned);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.doze.clear();
      let waitMs: number;
      try {
        waitMs = this.startDue();
      } catch (error) {
        // The database failed (busy, full, ...): the rows stay as they were; try again later.
        this.deps.logger.error({ err: error }, 'outbox sender could not read or update the outbox');
        waitMs = this.pollMs;
      }
      if (!this.stopping) await this.doze.sleep(waitMs);
    }
  }

  /** Gives up or starts every row that may go now; returns how long to wait before looking again. */
  private startDue(): number {
    for (;;) {
      const now = this.deps.clock.now();
      const message = this.queue.nextDue({ now, horizonMs: this.horizonMs, busy: [...this.inFlight.keys()], channels: this.openChannels(now) });
      if (message === null) return this.nextLookMs(now);
      if (now >= message.expiresAt) this.expire(message, now);
      else this.launch(message);
    }
  }

  /** Channels with a notifier whose server is not paused. */
  private openChannels(now: number): string[] {
    return Object.entries(this.notifiers)
      .filter(([channel, notifier]) => {
        const until = this.pausedUntil.get(channel) ?? 0;
        // A pause longer than any backoff: the wall clock stepped back since it was set. Do not wait it out.
        if (until - now > notifier.backoff.retryMaxMs) this.pausedUntil.delete(channel);
        return now >= (this.pausedUntil.get(channel) ?? 0);
      })
      .map(([channel]) => channel);
  }

  private nextLookMs(now: number): number {
    const pauses = [...this.pausedUntil.values()].filter((until) => until > now).map((until) => until - now);
    return Math.min(this.pollMs, ...pauses);
  }

  private expire(message: OutboxMessage, now: number): void {
    const notifier = this.notifiers[message.channel] as Notifier;
    const error = `not delivered within max_age (${message.expiresAt - message.createdAt} ms); last error: ${message.lastError ?? 'none (never tried)'}`;
    this.queue.markExpired(message.id, error, now);
    this.deps.logger.error(
      { ...notifier.logFields(message), attempts: message.attempts, lastError: message.lastError, result: notifier.results.expired },
      notifier.words.expired,
    );
    this.deps.onResult(message.channel, notifier.results.expired);
  }

  private launch(message: OutboxMessage): void {
    const slot = slotOf(message);
    const done = this.deliver(message)
      .catch((error: unknown) => {
        // The database refused the outcome: the row stays pending. Not at once again: after a poll.
        this.pausedUntil.set(message.channel, this.deps.clock.now() + this.pollMs);
        this.deps.logger.error({ err: error, notification: message.id }, 'outbox sender could not read or update the outbox');
      })
      .finally(() => {
        this.inFlight.delete(slot);
        this.doze.kick();
      });
    this.inFlight.set(slot, { message, done });
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const notifier = this.notifiers[message.channel] as Notifier;
    const deadlineMs = notifier.deadlineMs(message);
    const outcome = await this.deps.clock.within(send(notifier, message), deadlineMs, (): SendOutcome => ({
      outcome: 'temporary',
      error: `no answer within ${deadlineMs} ms`,
      scope: 'server',
    }));
    if (this.abandoned) return; // stop() gave up on this send; the row stays pending
    const at = this.deps.clock.now();
    const log = { ...notifier.logFields(message), attempt: message.attempts + 1 };
    const record = (result: OutboxResult) => {
      this.deps.onResult(message.channel, notifier.results[result]);
      return { ...log, result: notifier.results[result] };
    };
    switch (outcome.outcome) {
      case 'accepted':
        this.queue.markSent(message.id, at);
        this.deps.logger.info({ ...record('sent'), response: outcome.response }, notifier.words.sent);
        return;
      case 'permanent':
        this.queue.markFailed(message.id, outcome.error, at);
        this.deps.logger.error({ ...record('failed'), error: outcome.error }, notifier.words.failed);
        return;
      case 'temporary': {
        const nextAttemptAt = at + retryDelayMs(message.attempts, notifier.backoff, this.deps.clock.random());
        this.queue.markRetry(message.id, nextAttemptAt, outcome.error, at);
        // A server that is down or refuses us fails every message of its channel alike: hold them back
        // rather than hammer it. A recipient-only refusal does not stop the others.
        if (outcome.scope === 'server') this.pausedUntil.set(message.channel, nextAttemptAt);
        this.deps.logger.warn(
          { ...record('retry'), error: outcome.error, scope: outcome.scope, nextAttemptAt, retryInMs: nextAttemptAt - at },
          notifier.words.retry,
        );
        return;
      }
    }
  }
}

async function send(notifier: Notifier, message: OutboxMessage): Promise<SendOutcome> {
  try {
    return await notifier.send(message);
  } catch (error) {
    // The Notifier contract says it never throws; if one does, treat it like an unreachable server.
    return { outcome: 'temporary', error: error instanceof Error ? error.message : String(error), scope: 'server' };
  }
}
