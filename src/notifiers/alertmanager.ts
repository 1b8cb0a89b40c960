// The optional second channel: the same alerts pushed to an office's own Alertmanager
// (POST /api/v2/alerts), re-sent while firing and sent with endsAt once resolved, the way Prometheus
// does it. Network I/O (undici); time from the Clock, each push awaited through clock.within.
import type { Logger } from 'pino';
import type { Clock } from '../runtime/clock.js';
import { originAndPath, request } from '../runtime/undici-parts.js';
import { readAnswerExcerpt } from '../runtime/bounded-body.js';
import type { Language } from '../i18n/catalogue.js';
import { alertAnnotations } from './render/render.js';
import type { Alert } from '../core/alerts/types.js';

export interface AlertmanagerOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** Where a person goes from the alert (jaga's status page). */
  readonly generatorUrl: string;
  readonly language: Language;
}

export interface AlertmanagerDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onResult: (result: 'sent' | 'failed') => void;
}

/** Re-send firing alerts this often, so Alertmanager never lets them lapse (Prometheus: 1m). */
const RESEND_EVERY_MS = 60_000;
/** A firing alert's endsAt lies this far ahead; re-sends keep pushing it forward. */
const FIRING_HORIZON_MS = 5 * 60_000;
const RETRY_AFTER_FAILURE_MS = 10_000;
/** Beyond the push's timeout, before the Clock stops waiting for it. */
const PUSH_MARGIN_MS = 1_000;
/** Keep telling Alertmanager about a resolved alert for this long, in case a push was lost. */
const RESOLVED_KEEP_MS = 15 * 60_000;

interface Sent {
  readonly alert: Alert;
  readonly resolvedAt: number | null;
}

export class AlertmanagerPusher {
  private readonly known = new Map<string, Sent>();
  private lastPushAt = 0;
  private lastKeys = '';
  private inFlight = false;

  constructor(
    private readonly options: AlertmanagerOptions,
    private readonly deps: AlertmanagerDeps,
  ) {}

  /** Called after every evaluation; pushes when the firing set changed or a re-send is due. */
  update(alerts: readonly Alert[]): void {
    const now = this.deps.clock.now();
    const firing = alerts.filter((a) => a.state === 'firing');
    const keys = firing.map((a) => a.key).sort().join('\u0000');
    for (const alert of firing) this.known.set(alert.key, { alert, resolvedAt: null });
    for (const [key, sent] of this.known) {
      if (sent.resolvedAt === null && !firing.some((a) => a.key === key)) this.known.set(key, { ...sent, resolvedAt: now });
      if (sent.resolvedAt !== null && now - sent.resolvedAt > RESOLVED_KEEP_MS) this.known.delete(key);
    }
    const due = keys !== this.lastKeys || (this.known.size > 0 && now - this.lastPushAt >= RESEND_EVERY_MS);
    if (!due || this.inFlight) return;
    this.lastKeys = keys;
    this.lastPushAt = now;
    // The request's own timeout ends it; the margin only covers reading the answer.
    void this.deps.clock.within(this.push(now), this.options.timeoutMs + PUSH_MARGIN_MS, () => undefined);
  }

  private async push(now: number): Promise<void> {
    const body = [...this.known.values()].map(({ alert, resolvedAt }) => ({
      labels: alert.labels,
      annotations: alertAnnotations(alert, this.options.language),
      startsAt: new Date(alert.firingSince ?? alert.activeSince).toISOString(),
      endsAt: new Date(resolvedAt ?? now + FIRING_HORIZON_MS).toISOString(),
      generatorURL: this.options.generatorUrl,
    }));
    if (body.length === 0) return;
    this.inFlight = true;
    try {
      const response = await request({
        ...originAndPath(new URL('/api/v2/alerts', this.options.url)),
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const answer = await readAnswerExcerpt(response.body);
      if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}: ${answer}`);
      this.deps.onResult('sent');
    } catch (error) {
      // Try again soon (a change tries at once); Alertmanager is a second channel, email is the first.
      this.lastPushAt = this.deps.clock.now() - RESEND_EVERY_MS + RETRY_AFTER_FAILURE_MS;
      this.deps.onResult('failed');
      this.deps.logger.warn({ err: error, url: this.options.url }, 'cannot push alerts to Alertmanager');
    } finally {
      this.inFlight = false;
    }
  }
}
