// The webhook gate action: each transition is written to the outbox (store/outbox.ts) in the same
// transaction that marks it handled; the one outbox sender then POSTs it, signed, through this file's
// notifier, to one URL in order (the URL's lane), retried with backoff until a 2xx or max_age.
// I/O: SQLite; the notifier does HTTP (undici) and waits on the Clock.
import type { Logger } from 'pino';
import type { BackoffOptions } from '../core/backoff.js';
import type { GateActionConfig } from '../config/schema.js';
import type { Gate } from '../core/types.js';
import type { Notifier } from '../outbox/notifier.js';
import { readAnswerExcerpt } from '../runtime/bounded-body.js';
import type { Clock } from '../runtime/clock.js';
import { Agent, originAndPath, request } from '../runtime/undici-parts.js';
import type { GateMark } from '../store/gate-action-state.js';
import type { NewOutboxMessage } from '../store/outbox.js';
import { describeTransition, markOf, transitionEvent, transitionOf, type ActionDeps, type GateAction, type GateTransition } from './action.js';
import { webhookHeaders } from './webhook-signing.js';

type WebhookConfig = Extract<GateActionConfig, { type: 'webhook' }>;

/** The outbox channel of webhook rows. */
export const WEBHOOK_CHANNEL = 'webhook';

/** A webhook row's payload: exactly the bytes POSTed and signed on every attempt, and the attempt's timeout. */
interface WebhookPayload {
  readonly url: string;
  readonly body: string;
  readonly timeoutMs: number;
}

/** After SQLite refused a new delivery, try again after this (not on every decision). */
const ENQUEUE_RETRY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;
/** Finished deliveries are kept this long for people looking into the database. */
const KEEP_FINISHED_MS = 30 * 24 * 3_600_000;
/** Beyond a delivery's own timeout: the sender's backstop deadline. */
const DEADLINE_SLACK_MS = 2_000;

/** Scheme, host and port: webhook paths and queries often carry a token, so logs never show them. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
}

/** The outbox row of one transition for one URL. Pure. Its lane is the action's key: one URL, in order. */
export function webhookRow(t: GateTransition, config: WebhookConfig, lane: string, body: string, now: number): NewOutboxMessage {
  const payload: WebhookPayload = { url: config.url, body, timeoutMs: config.timeout };
  return {
    id: `${lane}#${t.id}`,
    source: 'gate_actions',
    channel: WEBHOOK_CHANNEL,
    lane,
    recipient: config.url,
    recipientName: redactUrl(config.url),
    subject: `${t.from ?? '–'} -> ${t.to}`,
    messageId: t.id,
    payload: JSON.stringify(payload),
    createdAt: now,
    expiresAt: now + config.max_age,
  };
}

export class WebhookAction implements GateAction {
  private handled: GateMark | null;
  private enqueueRetryAt = 0;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private readonly logger: Logger;

  constructor(
    private readonly config: WebhookConfig,
    private readonly deps: ActionDeps,
  ) {
    this.logger = deps.logger.child({ action: 'webhook', webhook: redactUrl(config.url) });
    this.handled = deps.store.gateActionState.load(this.deps.key);
  }

  update(gate: Gate, now: number): void {
    this.prune(now);
    const transition = transitionOf(this.handled, gate, this.deps.site);
    if (transition === null || now < this.enqueueRetryAt) return;
    const mark = markOf(gate);
    const row = webhookRow(transition, this.config, this.deps.key, transitionEvent(transition, this.deps.site, this.deps.resumeAfterMs), now);
    const { store } = this.deps;
    try {
      // One transaction: a delivery is queued exactly when its transition is marked handled.
      store.transaction(() => {
        store.outbox.enqueue([row]);
        store.gateActionState.save(this.deps.key, mark, now);
      });
    } catch (error) {
      this.enqueueRetryAt = now + ENQUEUE_RETRY_MS;
      this.logger.error({ err: error, transition: describeTransition(transition) }, 'cannot queue the webhook delivery; will try again');
      return;
    }
    this.handled = mark;
    this.logger.info({ transition: describeTransition(transition), delivery: transition.id }, 'webhook delivery queued');
    this.deps.onQueued();
  }

  /** Nothing of its own runs: the outbox sender sends, and stops with the rest of alerting's I/O. */
  async stop(_graceMs: number): Promise<void> {}

  private prune(now: number): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    try {
      this.deps.store.outbox.pruneFinishedBefore(now - KEEP_FINISHED_MS, 'gate_actions');
    } catch (error) {
      this.logger.error({ err: error }, 'cannot prune old webhook deliveries');
    }
  }
}

export interface WebhookNotifierOptions {
  /** JAGA_WEBHOOK_SECRET; without it deliveries carry no x-jaga-signature. */
  readonly secret: string | null;
  /** The actions' retry timings (ActionTuning). */
  readonly backoff: BackoffOptions;
  readonly clock: Clock;
}

/** Sends webhook rows for the outbox sender: POST, signed per attempt; a 2xx is delivered, anything else is tried again. */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const { clock, secret } = options;
  // One connection per origin: a URL's deliveries go one after another anyway.
  const agent = new Agent({ connections: 1 });
  return {
    async send(message) {
      const payload = JSON.parse(message.payload) as WebhookPayload;
      const timestamp = Math.floor(clock.now() / 1_000);
      const controller = new AbortController();
      const finished = new AbortController();
      // A timer on the Clock, not AbortSignal.any([.., AbortSignal.timeout()]): on Node 20 the composite
      // holds the timeout signal weakly, a GC collects it, and the attempt then hangs forever (nodejs/node#57736).
      void clock.sleep(payload.timeoutMs, finished.signal).then(() => {
        if (!finished.signal.aborted) controller.abort(new Error(`no answer within timeout (${payload.timeoutMs} ms)`));
      });
      try {
        const response = await request(
          {
            ...originAndPath(new URL(payload.url)),
            method: 'POST',
            headers: webhookHeaders(message.messageId, payload.body, timestamp, secret),
            body: payload.body,
            signal: controller.signal,
          },
          agent,
        );
        const status = response.statusCode;
        const answer = await readAnswerExcerpt(response.body);
        if (status >= 200 && status < 300) return { outcome: 'accepted', response: `HTTP ${status}` };
        return { outcome: 'temporary', error: `HTTP ${status}: ${answer}`, scope: 'recipient' };
      } catch (caught) {
        // The receiver is the recipient: one URL down holds up only its own lane.
        return { outcome: 'temporary', error: caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught), scope: 'recipient' };
      } finally {
        finished.abort();
      }
    },
    deadlineMs: (message) => (JSON.parse(message.payload) as WebhookPayload).timeoutMs + DEADLINE_SLACK_MS,
    backoff: options.backoff,
    results: { sent: 'ok', retry: 'retry', failed: 'failed', expired: 'failed' },
    words: {
      sent: 'webhook delivered',
      retry: 'webhook not delivered; will retry',
      failed: 'webhook refused for good; not retrying',
      expired: 'webhook delivery given up: the receiver did not accept it within max_age',
      abandoned: 'a webhook delivery was still in flight at shutdown; it stays pending and goes again after restart',
    },
    logFields: (message) => ({ action: 'webhook', webhook: message.recipientName, delivery: message.messageId }),
    close: () => agent.destroy(),
  };
}
