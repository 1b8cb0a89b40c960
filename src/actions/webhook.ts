// The webhook gate action: each transition is written to SQLite first, then POSTed, signed, to one URL
// in order, retried with backoff until a 2xx or max_age. I/O: SQLite, HTTP (undici), timers, logs.
import type { Logger } from 'pino';
import { Agent, originAndPath, request } from '../runtime/undici-parts.js';
import { retryDelayMs } from '../core/backoff.js';
import type { GateActionConfig } from '../config/schema.js';
import type { Gate } from '../core/types.js';
import type { GateMark } from '../store/gate-action-state.js';
import type { WebhookDelivery } from '../store/webhook-deliveries.js';
import { describeTransition, markOf, transitionEvent, transitionOf, type ActionDeps, type GateAction } from './action.js';
import { webhookHeaders } from './webhook-signing.js';
import { Wakeable } from '../runtime/wakeable.js';
import { readAnswerExcerpt } from '../runtime/bounded-body.js';

type WebhookConfig = Extract<GateActionConfig, { type: 'webhook' }>;

/** After SQLite refused a new delivery, try again after this (not on every decision). */
const ENQUEUE_RETRY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Finished deliveries are kept this long for people looking into the database. */
const KEEP_FINISHED_MS = 30 * 24 * 3_600_000;

/** Scheme, host and port: webhook paths and queries often carry a token, so logs never show them. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
}

export class WebhookAction implements GateAction {
  private handled: GateMark | null;
  private enqueueRetryAt = 0;
  private readonly logger: Logger;
  private readonly agent = new Agent({ connections: 1 });
  private readonly loop: Promise<void>;
  private stopping = false;
  /** Set when stop() gave up waiting for an attempt: its outcome is not recorded, the row stays pending. */
  private abandoned = false;
  private inFlight: AbortController | null = null;
  private readonly doze = new Wakeable();
  private prunedAt = 0;

  constructor(
    private readonly config: WebhookConfig,
    private readonly deps: ActionDeps,
  ) {
    this.logger = deps.logger.child({ action: 'webhook', webhook: redactUrl(config.url) });
    this.handled = deps.store.gateActionState.load(this.deps.key);
    // Starts at once: deliveries left pending by an earlier run go out before anything new.
    this.loop = this.run();
  }

  update(gate: Gate, now: number): void {
    const transition = transitionOf(this.handled, gate, this.deps.site);
    if (transition === null || now < this.enqueueRetryAt) return;
    const mark = markOf(gate);
    const body = transitionEvent(transition, this.deps.site, this.deps.resumeAfterMs);
    const { store } = this.deps;
    try {
      // One transaction: a delivery is queued exactly when its transition is marked handled.
      store.transaction(() => {
        store.webhookDeliveries.enqueue({ id: transition.id, url: this.config.url, body, createdAt: now });
        store.gateActionState.save(this.deps.key, mark, now);
      });
    } catch (error) {
      this.enqueueRetryAt = now + ENQUEUE_RETRY_MS;
      this.logger.error({ err: error, transition: describeTransition(transition) }, 'cannot queue the webhook delivery; will try again');
      return;
    }
    this.handled = mark;
    this.logger.info({ transition: describeTransition(transition), delivery: transition.id }, 'webhook delivery queued');
    this.kick();
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.doze.interrupt();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.loop.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.abandoned = true;
      this.inFlight?.abort(new Error('jaga is stopping'));
      this.logger.warn({ graceMs }, 'a webhook delivery was still in flight at shutdown; it stays pending and goes again after restart');
      await this.loop;
    }
    await this.agent.destroy();
  }

  private kick(): void {
    this.doze.kick();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let waitMs: number;
      try {
        waitMs = await this.step();
      } catch (error) {
        // SQLite failed (busy, full, ...): the delivery stays as it was; look again later.
        this.logger.error({ err: error }, 'cannot read or update the webhook queue');
        waitMs = this.deps.tuning.pollMs;
      }
      if (waitMs > 0 && !this.stopping) await this.doze.sleep(waitMs);
    }
  }

  /** Does at most one thing; returns how long to wait before the next step (0: go on at once). */
  private async step(): Promise<number> {
    this.doze.clear();
    const now = this.deps.clock();
    const repo = this.deps.store.webhookDeliveries;
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      repo.pruneFinishedBefore(now - KEEP_FINISHED_MS);
    }
    const head = repo.head(this.config.url);
    if (head === null) return this.deps.tuning.pollMs;
    const expiresAt = head.createdAt + this.config.max_age;
    if (now >= expiresAt) {
      this.expire(head, now);
      return 0;
    }
    if (head.nextAttemptAt > now) return Math.min(head.nextAttemptAt - now, expiresAt - now, this.deps.tuning.pollMs);
    await this.attempt(head);
    return 0;
  }

  private expire(delivery: WebhookDelivery, now: number): void {
    const error = `not delivered within max_age (${this.config.max_age} ms); last error: ${delivery.lastError ?? 'none (never tried)'}`;
    this.deps.store.webhookDeliveries.markExpired(delivery.url, delivery.id, now, error);
    this.logger.error(
      { delivery: delivery.id, attempts: delivery.attempts, lastError: delivery.lastError, result: 'failed' },
      'webhook delivery given up: the receiver did not accept it within max_age',
    );
    this.deps.onResult('failed');
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const timestamp = Math.floor(this.deps.clock() / 1_000);
    const controller = new AbortController();
    this.inFlight = controller;
    // An own timer, not AbortSignal.any([.., AbortSignal.timeout()]): on Node 20 the composite holds the
    // timeout signal weakly, a GC collects it, and the attempt then hangs forever (nodejs/node#57736).
    const timeout = setTimeout(() => controller.abort(new Error(`no answer within timeout (${this.config.timeout} ms)`)), this.config.timeout);
    let error: string | null;
    let status: number | null = null;
    try {
      const response = await request({
        ...originAndPath(new URL(this.config.url)),
        method: 'POST',
        headers: webhookHeaders(delivery.id, delivery.body, timestamp, this.deps.webhookSecret),
        body: delivery.body,
        signal: controller.signal,
      }, this.agent);
      status = response.statusCode;
      const answer = await readAnswerExcerpt(response.body);
      error = status >= 200 && status < 300 ? null : `HTTP ${status}: ${answer}`;
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    } finally {
      clearTimeout(timeout);
      this.inFlight = null;
    }
    if (this.abandoned) return;
    const at = this.deps.clock();
    const log = { delivery: delivery.id, attempt: delivery.attempts + 1, status };
    const repo = this.deps.store.webhookDeliveries;
    if (error === null) {
      repo.markDelivered(delivery.url, delivery.id, at);
      this.logger.info({ ...log, result: 'ok' }, 'webhook delivered');
      this.deps.onResult('ok');
      return;
    }
    const { retryInitialMs, retryMaxMs } = this.deps.tuning;
    const nextAttemptAt = at + retryDelayMs(delivery.attempts, { retryInitialMs, retryMaxMs }, this.deps.random());
    repo.markRetry(delivery.url, delivery.id, at, nextAttemptAt, error);
    this.logger.warn({ ...log, error, result: 'retry', retryInMs: nextAttemptAt - at }, 'webhook not delivered; will retry');
    this.deps.onResult('retry');
  }
}
