// The composition root: the only place that builds I/O objects and wires them together.
// Reads like a table of contents: data_dir lock -> store -> metrics -> engine -> HTTP
// listener -> only then what acts on the world (outbox sender, gate actions, scheduler).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { GateActions } from './actions/runner.js';
import { AlertmanagerPusher } from './notifiers/alertmanager.js';
import { createSmtpMailer, plaintextLoginWarning } from './notifiers/email.js';
import { OutboxSender } from './notifiers/outbox.js';
import { OutboxFallback } from './notifiers/outbox-fallback.js';
import { AlertPipeline } from './shell/alert-pipeline.js';
import type { Alert } from './core/alerts/types.js';
import type { AlertsConfig, Config, TargetConfig } from './config/schema.js';
import { Engine, type DecisionView } from './shell/engine.js';
import { createApp } from './http/app.js';
import { createHttpServer } from './http/server.js';
import { TokenChecker } from './http/auth.js';
import { Metrics } from './runtime/metrics.js';
import { runTargetProbe } from './probes/registry.js';
import { probeVolume } from './probes/storage.js';
import { cronIntervalMs } from './config/cron.js';
import { listenFailureMessage } from './config/listen-failure.js';
import { Scheduler, type Job } from './shell/scheduler.js';
import { alertPipelineOptions, gatePolicy } from './shell/policy.js';
import { lockDataDir, type DataDirLock } from './store/data-dir-lock.js';
import { openStore, type Store } from './store/sqlite.js';
import { WriteFailures } from './store/write-failures.js';
import { VERSION } from './runtime/version.js';

export interface RunningService {
  readonly url: string;
  readonly engine: Engine;
  stop(): Promise<void>;
}

/** How long shutdown waits for in-flight probes before aborting them. */
const SHUTDOWN_GRACE_MS = 5_000;
const DECISION_EVERY_MS = 1_000;
/** Notifications kept in memory at most while the database refuses writes (a few per incident). */
const OUTBOX_HELD_MAX = 100;

/**
 * Starts jaga on a config that passed config/preflight.ts, or throws with a message naming the config
 * key to change (data_dir, listen.port, ...), having released everything it opened: a failed start
 * leaves no handle, timer or queued delivery behind.
 */
export async function startService(config: Config, logger: Logger, clock: () => number = Date.now): Promise<RunningService> {
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
  { store, lock, logger, clock }: { store: Store; lock: DataDirLock; logger: Logger; clock: () => number },
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
    gateActionTypes: [...new Set(config.gate_actions.map((a) => a.type))],
  });
  const policy = gatePolicy(config);
  const alerting = config.alerts ? buildAlerting(config, config.alerts, { store, metrics, logger, clock }) : null;
  const actions = new GateActions(config.gate_actions, {
    store,
    logger,
    clock,
    random: Math.random,
    webhookSecret: config.webhookSecret,
    site: config.site,
    resumeAfterMs: policy.resumeAfterMs,
    onResult: (type, result) => metrics.recordGateAction(type, result),
  });
  const engine = new Engine(
    {
      targets: allTargets.map((t) => ({ name: t.config.name, kind: t.config.type, role: t.role })),
      volumes: config.storage.volumes.map((v) => ({ name: v.name, fillWindowMs: v.fill_window })),
      thresholds: { failureThreshold: config.central.failure_threshold, recoveryThreshold: config.central.recovery_threshold },
      policy,
      sampleRetentionMs: config.store.sample_retention,
      transitionRetentionMs: config.store.transition_retention,
      snapshotEveryMs: 10_000,
    },
    {
      store,
      metrics,
      logger,
      clock,
      monotonic: () => performance.now(),
      afterDecision: (view: DecisionView) => {
        alerting?.pipeline.update(view, view.storeFailingSince);
        actions.update(view);
      },
    },
  );

  const targetJobs: Job[] = allTargets.map(({ config: target }) => ({
    key: target.name,
    run: async (signal) => {
      const at = clock();
      const result = await runTargetProbe(target, { signal, timeoutMs: target.timeout ?? config.central.timeout });
      engine.observeTarget(target.name, at, result);
    },
  }));
  const volumeJobs: Job[] = config.storage.volumes.map((volume) => ({
    key: volume.name,
    run: async (signal) => {
      const at = clock();
      const result = await probeVolume(volume, { signal, timeoutMs: config.storage.timeout });
      engine.observeVolume({ ...result, volume: volume.name, at });
    },
  }));
  // Spread starts over the slack between a probe's timeout and its next run, at most a second.
  const jitter = (expression: string, timeoutMs: number) => Math.max(0, Math.min(1_000, (cronIntervalMs(expression) - timeoutMs) / 2));
  const scheduler = new Scheduler(
    [
      { name: 'central', expression: config.central.schedule, jobs: targetJobs, jitterMs: jitter(config.central.schedule, config.central.timeout) },
      { name: 'storage', expression: config.storage.schedule, jobs: volumeJobs, jitterMs: jitter(config.storage.schedule, config.storage.timeout) },
    ],
    {
      onSkipped: (key) => {
        metrics.recordSkippedProbe(key);
        logger.warn({ probe: key }, 'probe still running at its next scheduled time; skipped this run');
      },
      onJobError: (key, error) => logger.error({ probe: key, err: error }, 'probe job failed'),
    },
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
    statusPage: {
      engine,
      store,
      page: config.status_page,
      site: config.site,
      timeZone: config.time_zone,
      resumeAfterMs: policy.resumeAfterMs,
      clock,
      publicUrl: config.public_url ?? null,
    },
    admin: {
      engine,
      alerting: alerting?.pipeline ?? null,
      store,
      tokens,
      timeZone: config.time_zone,
      resumeAfterMs: policy.resumeAfterMs,
      clock,
      logger,
    },
  });
  let server: Server;
  try {
    server = await listen(app, config.listen.host, config.listen.port);
  } catch (error) {
    await alerting?.stop(0);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  // Listening: only now does jaga act on the world. Everything above failed without sending, queueing or running anything.
  let decisions: NodeJS.Timeout;
  try {
    alerting?.start();
    actions.start();
    // A restart hands the stored gate to the actions at once (the halt file matches it before any
    // probe); a first start's STARTING gate is no decision: the first one after the probes is.
    if (engine.restored) actions.update({ gate: engine.gate });
    scheduler.start();
    decisions = setInterval(() => engine.tick(), DECISION_EVERY_MS);
  } catch (error) {
    // The caller closes the store and releases the lock: nothing may go on serving without them.
    await scheduler.stop(0);
    await alerting?.stop(0);
    await actions.stop(0);
    await closeServer(server);
    throw error;
  }
  if (config.adminTokens.length === 0) logger.warn('JAGA_ADMIN_TOKENS is not set: overrides cannot be made over HTTP');
  logger.info({ url, version: VERSION, targets: allTargets.length, volumes: config.storage.volumes.length }, 'jaga started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(decisions);
      await scheduler.stop(SHUTDOWN_GRACE_MS);
      engine.stop();
      await alerting?.stop(SHUTDOWN_GRACE_MS);
      await actions.stop(SHUTDOWN_GRACE_MS);
      await closeServer(server);
      store.close();
      lock.release();
      logger.info('jaga stopped');
    })();
    return stopping;
  };
  return { url, engine, stop };
}

interface Alerting {
  readonly pipeline: AlertPipeline;
  /** Starts the outbox sender and checks the SMTP server. */
  start(): void;
  stop(graceMs: number): Promise<void>;
}

/** The alert pipeline, and, when SMTP is configured, the outbox sender that delivers its emails. */
function buildAlerting(
  config: Config,
  alerts: AlertsConfig,
  deps: { store: Store; metrics: Metrics; logger: Logger; clock: () => number },
): Alerting {
  const { store, metrics, logger, clock } = deps;
  const mailer = alerts.smtp ? createSmtpMailer(alerts.smtp, config.smtpPassword) : null;
  const clearLogin = alerts.smtp ? plaintextLoginWarning(alerts.smtp) : null;
  if (clearLogin !== null) logger.warn(clearLogin);
  const writeFailures = new WriteFailures('to the outbox', { logger, onFailure: () => metrics.recordStoreError() });
  const fallback = new OutboxFallback(store.outbox, OUTBOX_HELD_MAX, { logger, failures: writeFailures, clock });
  const sender = mailer
    ? new OutboxSender(
        fallback,
        mailer,
        { retryInitialMs: alerts.outbox.retry_initial, retryMaxMs: alerts.outbox.retry_max, maxAgeMs: alerts.outbox.max_age },
        { clock, random: Math.random, logger, onResult: (result) => metrics.recordNotification('email', result) },
      )
    : null;
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
  const pipeline = new AlertPipeline(alertPipelineOptions(config, alerts), {
    store,
    metrics,
    logger,
    clock,
    fallback,
    writeFailures,
    onEnqueued: () => sender?.kick(),
    ...(pusher ? { onEvaluated: (alerts: readonly Alert[]) => pusher.update(alerts) } : {}),
  });
  return {
    pipeline,
    start() {
      sender?.start();
      if (mailer && alerts.smtp) {
        const { host, port } = alerts.smtp;
        void mailer.verify().then((problem) => {
          if (problem) logger.warn({ smtp: `${host}:${port}`, problem }, 'the SMTP server cannot be reached or refuses us; alert emails wait in the outbox until it can');
          else logger.info({ smtp: `${host}:${port}` }, 'SMTP server reachable');
        });
      }
    },
    async stop(graceMs) {
      await sender?.stop(graceMs);
      mailer?.close();
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
