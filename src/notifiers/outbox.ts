// The outbox sender: hands due notifications to the mailer one at a time, oldest first, and records how
// each attempt ended (sent / retry with backoff / failed / expired). I/O: SQLite, mailer, timers, logs.
import type { Logger } from 'pino';
import type { OutboxMessage, OutboxRepository } from '../store/outbox.js';
import type { Mailer, SendOutcome } from './email.js';
import { retryDelayMs } from '../core/backoff.js';
import { Wakeable } from '../runtime/wakeable.js';

/** What the sender needs from an outbox: the SQLite repository, or the fallback in front of it. */
export type OutboxQueue = Pick<OutboxRepository, 'nextDue' | 'markSent' | 'markRetry' | 'markFailed' | 'markExpired'>;

export interface OutboxOptions {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** A message older than this (from createdAt) is given up instead of sent. */
  readonly maxAgeMs: number;
  /** How often to look for due messages when nothing wakes the loop. Default 1000. */
  readonly pollMs?: number;
}

export type OutboxResult = 'sent' | 'retry' | 'failed' | 'expired';

export interface OutboxDeps {
  readonly clock: () => number;
  readonly random: () => number;
  readonly logger: Logger;
  readonly onResult: (result: OutboxResult) => void;
}

export class OutboxSender {
  private readonly pollMs: number;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Set when stop() stopped waiting for an in-flight send: its result must not be written any more. */
  private abandoned = false;
  private readonly doze = new Wakeable();
  /** After a failure of the server itself, nothing is tried before this instant. */
  private pausedUntil = 0;

  constructor(
    private readonly repo: OutboxQueue,
    private readonly mailer: Mailer,
    private readonly options: OutboxOptions,
    private readonly deps: OutboxDeps,
  ) {
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** Starts the loop. A sender runs once: after stop(), build a new one. */
  start(): void {
    if (this.stopping) throw new Error('OutboxSender cannot be started again after stop()');
    this.loop ??= this.run();
  }

  /** New notifications were enqueued: look now instead of at the next poll. */
  kick(): void {
    this.doze.kick();
  }

  /**
   * Stops the loop and waits up to `graceMs` for an in-flight send. A send still running after that is
   * left alone and its outcome not recorded: the message stays pending and goes again after a restart.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.doze.interrupt();
    const loop = this.loop;
    if (!loop) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      loop.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.abandoned = true;
      this.deps.logger.warn({ graceMs }, 'an email was still being sent at shutdown; it stays in the outbox and is sent again after restart');
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let waitMs: number;
      try {
        waitMs = await this.step();
      } catch (error) {
        // The database failed (busy, full, ...): the message stays as it was; try again later.
        this.deps.logger.error({ err: error }, 'outbox sender could not read or update the outbox');
        waitMs = this.pollMs;
      }
      if (waitMs > 0 && !this.stopping) await this.doze.sleep(waitMs);
    }
  }

  /** Does at most one thing; returns how long to wait before the next step (0: go on at once). */
  private async step(): Promise<number> {
    this.doze.clear();
    const now = this.deps.clock();
    // A pause longer than any backoff: the wall clock stepped back since it was set. Do not wait it out.
    if (this.pausedUntil - now > this.options.retryMaxMs) this.pausedUntil = now;
    if (now < this.pausedUntil) return Math.min(this.pausedUntil - now, this.pollMs);
    const message = this.repo.nextDue(now, this.options.retryMaxMs);
    if (!message) return this.pollMs;
    if (now - message.createdAt > this.options.maxAgeMs) {
      this.expire(message, now);
      return 0;
    }
    await this.deliver(message);
    return 0;
  }

  private expire(message: OutboxMessage, now: number): void {
    const error = `not delivered within ${this.options.maxAgeMs} ms; last error: ${message.lastError ?? 'none (never tried)'}`;
    this.repo.markExpired(message.id, error, now);
    this.deps.logger.error(
      { notification: message.id, recipient: message.recipient, attempts: message.attempts, lastError: message.lastError },
      'email given up: too old to send',
    );
    this.deps.onResult('expired');
  }

  private async deliver(message: OutboxMessage): Promise<void> {
    const outcome = await this.send(message);
    if (this.abandoned) return; // stop() gave up on this send; the row stays pending
    const at = this.deps.clock();
    const log = { notification: message.id, recipient: message.recipient, messageId: message.messageId, attempt: message.attempts + 1 };
    switch (outcome.outcome) {
      case 'accepted':
        this.repo.markSent(message.id, at);
        this.deps.logger.info({ ...log, response: outcome.response }, 'email sent');
        this.deps.onResult('sent');
        return;
      case 'permanent':
        this.repo.markFailed(message.id, outcome.error, at);
        this.deps.logger.error({ ...log, error: outcome.error }, 'email rejected for good; not retrying');
        this.deps.onResult('failed');
        return;
      case 'temporary': {
        const nextAttemptAt = at + retryDelayMs(message.attempts, this.options, this.deps.random());
        this.repo.markRetry(message.id, nextAttemptAt, outcome.error, at);
        // A server that is down or refuses us fails every message alike: hold everything back rather
        // than hammer it. A recipient-only refusal does not stop the others.
        if (outcome.scope === 'server') this.pausedUntil = nextAttemptAt;
        this.deps.logger.warn({ ...log, error: outcome.error, scope: outcome.scope, nextAttemptAt }, 'email not sent; will retry');
        this.deps.onResult('retry');
        return;
      }
    }
  }

  private async send(message: OutboxMessage): Promise<SendOutcome> {
    try {
      return await this.mailer.send({
        to: message.recipient,
        toName: message.recipientName,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        notificationId: message.id,
      });
    } catch (error) {
      // The Mailer contract says it never throws; if one does, treat it like an unreachable server.
      return { outcome: 'temporary', error: error instanceof Error ? error.message : String(error), scope: 'server' };
    }
  }
}
