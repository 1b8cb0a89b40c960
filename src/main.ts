// The composition root: the only place that builds I/O objects and wires them together.
// Reads like a table of contents: data_dir lock -> store -> metrics -> engine -> HTTP
// listener -> only then what acts on the world (outbox sender, gate actions, scheduler).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_TUNING, GateActions } from './actions/runner.js';
import { createWebhookNotifier, WEBHOOK_CHANNEL } from './actions/webhook.js';
import { AlertmanagerPusher } from './notifiers/alertmanager.js';
import type { BuiltChannel } from './notifiers/channel.js';
import { ALERT_CHANNEL_NAMES, alertChannels } from './notifiers/registry.js';
import { OutboxFallback } from './notifiers/outbox-fallback.js';
import type { Notifier } from './outbox/notifier.js';
import { OutboxSender } from './outbox/sender.js';
import { AlertPipeline } from './shell/alert-pipeline.js';
import type { Alert } from './core/alerts/types.js';
import type { AlertsConfig, Config, TargetConfig } from './config/schema.js';
import { Engine, type DecisionView } from './shell/engine.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/server.js';
import { dataAtRiskSetup } from './http/status-snapshot.js';
import { TokenChecker } from './http/auth.js';
import { Metrics } from './runtime/metrics.js';
import { runTargetProbe } from './probes/registry.js';
import { probeVolume } from './probes/storage.js';
import { readBacklogSource } from './probes/backlog/registry.js';
import { listenFailureMessage } from './config/listen-failure.js';
import { Scheduler, type Job } from './shell/scheduler.js';
import { alertPipelineOptions, engineOptions, gatePolicy, officeCalendar, probeJitterMs, targetRetryMs } from './shell/policy.js';
import { targetJob } from './shell/retries.js';
import { lockDataDir, type DataDirLock } from './store/data-dir-lock.js';
import { openStore, type Store } from './store/sqlite.js';
import { WriteFailures } from './store/write-failures.js';
import { VERSION } from './runtime/version.js';
import { systemClock, type Clock } from './runtime/clock.js';

export interface RunningService {
  readonly url: string;
  readonly engine: Engine;
  stop(): Promise<void>;
  /**
   * Lets go of the listener, the database and data_dir's lock at once, writing and awaiting nothing, as
   * SIGKILL would: the in-process test world's crash (test/sim/world.ts), which also stops the clock.
   */
  abandon(): void;
}

/** How long shutdown waits for in-flight probes before aborting them. */
const SHUTDOWN_GRACE_MS = 5_000;
/** Notifications kept in memory at most while the database refuses writes (a few per incident). */
const OUTBOX_HELD_MAX = 100;

/**
 * Starts jaga on a config that passed cli/preflight.ts, or throws with a message naming the config
 * key to change (data_dir, listen.port, ...), having released everything it opened: a failed start
 * leaves no handle, timer or queued delivery behind.
 */
export async function startService(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningService> {
  // Before anything writes to data_dir: a second jaga on it stops here, having changed nothing.
  const lock = lockDataDir(config.data_dir);
  try {
    const store = openStore(join(config.data_dir, 'jaga.db'));
    try {
      return await serve(config, { store, lock, logger, clock });
    } catch (error) {
      store.close();
      throw error;
    }
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function serve(
  config: Config,
  { store, lock, logger, clock }: { store: Store; lock: DataDirLock; logger: Logger; clock: Clock },
): Promise<RunningService> {
  const allTargets: { config: TargetConfig; role: 'central' | 'reference' }[] = [
    ...config.central.targets.map((t) => ({ config: t, role: 'central' as const })),
    ...config.central.reference_targets.map((t) => ({ config: t, role: 'reference' as const })),
  ];
  const metrics = new Metrics({
    version: VERSION,
    targets: allTargets.map((t) => t.config.name),
    volumes: config.storage.volumes.map((v) => v.name),
    alertmanager: config.alerts?.alertmanager !== undefined,
    alertChannels: ALERT_CHANNEL_NAMES,
    gateActionTypes: [...new Set(config.gate_actions.map((a) => a.type))],
    backlogSources: config.backlog.sources.map((s) => s.name),
    heartbeats: config.heartbeats.map((h) => h.name),
  });
  const policy = gatePolicy(config);
  const alerting = config.alerts ? buildAlerting(config, config.alerts, { store, metrics, logger, clock, onEnqueued: () => outbox.kick() }) : null;
  const actions = new GateActions(config.gate_actions, {
    store,
    logger,
    clock,
    onQueued: () => outbox.kick(),
    webhookSecret: config.webhookSecret,
    site: config.site,
    resumeAfterMs: policy.resumeAfterMs,
    onResult: (type, result) => metrics.recordGateAction(type, result),
  });
  const outbox = buildOutbox(config, alerting, { store, metrics, logger, clock });
  const engine = new Engine(
    engineOptions(config, policy),
    {
      store,
      metrics,
      logger,
      clock,
      afterDecision: (view: DecisionView) => {
        alerting?.pipeline.update(view, view.storeFailingSince);
        actions.update(view);
      },
    },
  );

  const retryMs = targetRetryMs(config);
  const targetJobs: Job[] = allTargets.map(({ config: target }) => {
    const timeoutMs = target.timeout ?? config.central.timeout;
    return targetJob(
      {
        name: target.name,
        timeoutMs,
        retryMs,
        probe: (signal) => runTargetProbe(target, { signal, timeoutMs }),
        observe: (at, result) => engine.observeTarget(target.name, at, result),
      },
      clock,
    );
  });
  const volumeJobs: Job[] = config.storage.volumes.map((volume) => ({
    key: volume.name,
    timeoutMs: config.storage.timeout,
    run: async (signal) => {
      const at = clock.now();
      const result = await probeVolume(volume, { signal, timeoutMs: config.storage.timeout });
      engine.observeVolume({ ...result, volume: volume.name, at });
    },
  }));
  const backlogJobs: Job[] = config.backlog.sources.map((source) => {
    const timeoutMs = source.timeout ?? config.backlog.timeout;
    return {
      key: `backlog:${source.name}`,
      timeoutMs,
      run: async (signal) => {
        const at = clock.now();
        const result = await readBacklogSource(source, { signal, timeoutMs });
        engine.observeBacklog({ ...result, source: source.name, at });
      },
    };
  });
  const scheduler = new Scheduler(
    [
      { name: 'central', expression: config.central.schedule, jobs: targetJobs, jitterMs: probeJitterMs(config.central.schedule, config.central.timeout) },
      { name: 'storage', expression: config.storage.schedule, jobs: volumeJobs, jitterMs: probeJitterMs(config.storage.schedule, config.storage.timeout) },
      { name: 'backlog', expression: config.backlog.schedule, jobs: backlogJobs, jitterMs: probeJitterMs(config.backlog.schedule, config.backlog.timeout) },
    ],
    {
      onSkipped: (key) => {
        metrics.recordSkippedProbe(key);
        logger.warn({ probe: key }, 'probe still running at its next scheduled time; skipped this run');
      },
      onJobError: (key, error) => logger.error({ probe: key, err: error }, 'probe job failed'),
      onOverdue: (key) => logger.error({ probe: key }, 'probe still running well past its timeout'),
    },
    clock,
  );

  const tokens = new TokenChecker(config.adminTokens);
  const app = createApp({
    engine,
    alerting: alerting?.pipeline ?? null,
    metrics,
    store,
    tokens,
    resumeAfterMs: policy.resumeAfterMs,
    timeZone: config.time_zone,
    clock,
    logger,
    trustedProxies: config.listen.trusted_proxies,
    site: config.site,
    statusPage: config.status_page,
    publicUrl: config.public_url ?? null,
    dataAtRisk: dataAtRiskSetup(config),
    heartbeatTokens: config.heartbeatTokens,
    calendar: officeCalendar(config),
  });
  let server: Server;
  try {
    server = await listen(app, config.listen.host, config.listen.port);
  } catch (error) {
    await outbox.stop(0);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  // Listening: only now does jaga act on the world. Everything above failed without sending, queueing or running anything.
  try {
    outbox.start();
    actions.start();
    // A restart hands the stored gate to the actions at once (the halt file matches it before any
    // probe); a first start's STARTING gate is no decision: the first one after the probes is.
    if (engine.restored) actions.update({ gate: engine.gate });
    scheduler.start();
    engine.start();
  } catch (error) {
    // The caller closes the store and releases the lock: nothing may go on serving without them.
    await scheduler.stop(0);
    await actions.stop(0);
    await outbox.stop(0);
    await closeServer(server);
    throw error;
  }
  if (config.adminTokens.length === 0) logger.warn('JAGA_ADMIN_TOKENS is not set: overrides cannot be made over HTTP');
  logger.info({ url, version: VERSION, targets: allTargets.length, volumes: config.storage.volumes.length }, 'jaga started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await scheduler.stop(SHUTDOWN_GRACE_MS);
      engine.stop();
      await actions.stop(SHUTDOWN_GRACE_MS);
      await outbox.stop(SHUTDOWN_GRACE_MS);
      await closeServer(server);
      store.close();
      lock.release();
      logger.info('jaga stopped');
    })();
    return stopping;
  };
  const abandon = (): void => {
    server.closeAllConnections();
    server.close();
    store.close();
    lock.release();
  };
  return { url, engine, stop, abandon };
}

interface Alerting {
  readonly pipeline: AlertPipeline;
  /** Holds notifications while SQLite refuses writes; the outbox sender reads through it. */
  readonly fallback: OutboxFallback;
  /** The alert channels the config sets up, by channel name (notifiers/registry.ts). */
  readonly channels: Readonly<Record<string, BuiltChannel>>;
}

/** The alert pipeline and the alert channels the config sets up (their rows go through the one outbox). */
function buildAlerting(
  config: Config,
  alerts: AlertsConfig,
  deps: { store: Store; metrics: Metrics; logger: Logger; clock: Clock; onEnqueued: () => void },
): Alerting {
  const { store, metrics, logger, clock } = deps;
  const options = alertPipelineOptions(config, alerts);
  const channels: Record<string, BuiltChannel> = {};
  for (const [name, channel] of Object.entries(alertChannels)) {
    const built = channel.build(config, alerts, { clock, logger, render: options.render });
    if (built !== null) channels[name] = built;
  }
  const writeFailures = new WriteFailures('to the outbox', { logger, onFailure: () => metrics.recordStoreError() });
  const fallback = new OutboxFallback(store.outbox, OUTBOX_HELD_MAX, { logger, failures: writeFailures, clock });
  const pusher = alerts.alertmanager
    ? new AlertmanagerPusher(
        {
          url: alerts.alertmanager.url,
          timeoutMs: alerts.alertmanager.timeout,
          generatorUrl: config.public_url ?? `http://${config.listen.host}:${config.listen.port}/`,
          language: alerts.language,
        },
        { clock, logger, onResult: (result) => metrics.recordNotification('alertmanager', result) },
      )
    : null;
  const pipeline = new AlertPipeline(options, {
    store,
    metrics,
    logger,
    clock,
    fallback,
    writeFailures,
    onEnqueued: deps.onEnqueued,
    ...(pusher ? { onEvaluated: (alerts: readonly Alert[]) => pusher.update(alerts) } : {}),
  });
  return { pipeline, fallback, channels };
}

interface Outbox {
  /** Rows were written: the sender looks now. */
  kick(): void;
  /** Starts the sender and checks each channel's server. */
  start(): void;
  /** Stops the sender (waiting up to `graceMs` for sends in flight) and closes the channels. */
  stop(graceMs: number): Promise<void>;
}

/** How long the start's check of a channel's server may take before nobody waits for it any more. */
const CHANNEL_CHECK_MS = 120_000;

/** The one outbox sender, over the alert channels the config sets up and the gate actions' webhooks. */
function buildOutbox(config: Config, alerting: Alerting | null, deps: { store: Store; metrics: Metrics; logger: Logger; clock: Clock }): Outbox {
  const { store, metrics, logger, clock } = deps;
  const notifiers: Record<string, Notifier> = Object.fromEntries(Object.entries(alerting?.channels ?? {}).map(([name, c]) => [name, c.notifier]));
  if (config.gate_actions.some((a) => a.type === 'webhook')) {
    const { retryInitialMs, retryMaxMs } = DEFAULT_TUNING;
    notifiers[WEBHOOK_CHANNEL] = createWebhookNotifier({ secret: config.webhookSecret, backoff: { retryInitialMs, retryMaxMs }, clock });
  }
  const sender =
    Object.keys(notifiers).length === 0
      ? null
      : new OutboxSender(alerting?.fallback ?? store.outbox, notifiers, {
          clock,
          logger,
          pollMs: DEFAULT_TUNING.pollMs,
          // A webhook is a gate action: counted there, as before it shared the outbox.
          onResult: (channel, result) =>
            channel === WEBHOOK_CHANNEL ? metrics.recordGateAction('webhook', result) : metrics.recordNotification(channel, result),
        });
  return {
    kick: () => sender?.kick(),
    start() {
      sender?.start();
      for (const channel of Object.values(alerting?.channels ?? {})) void clock.within(channel.check(logger), CHANNEL_CHECK_MS, () => undefined);
    },
    async stop(graceMs) {
      await sender?.stop(graceMs);
      await Promise.all(Object.values(notifiers).map((n) => n.close()));
    },
  };
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Slow or idle clients must not hold sockets: headers, whole requests and keep-alive are bounded
    // (http/server.ts), checked every second. The backlog takes a burst of a thousand stations at once.
    const server = createHttpServer(app);
    server.listen({ port, host, backlog: 2_048 });
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(listenFailureMessage(host, port, error.code, error.message), { cause: error })));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  });
}
