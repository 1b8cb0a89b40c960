// Translates the validated config into the pure decision's policy (milliseconds, intervals). Pure
// apart from reading the cron expressions' next run times.
import type { Config } from './config/schema.js';
import type { GatePolicy } from './domain/gate.js';
import { cronIntervalMs } from './config/cron.js';

export function gatePolicy(config: Config): GatePolicy {
  const centralMs = cronIntervalMs(config.central.schedule);
  const storageMs = cronIntervalMs(config.storage.schedule);
  const intervals = config.gate.stale_after_intervals;
  return {
    downWhen: config.central.down_when,
    onCentralDown: config.gate.on_central_down,
    bufferMinHours: config.gate.buffer_min_hours,
    resumeAfterMs: config.gate.resume_after,
    validForMs: intervals * Math.min(centralMs, storageMs),
    // A probe's own timeout adds to its interval before it can report.
    staleAfterMs: {
      central: intervals * centralMs + config.central.timeout,
      storage: intervals * storageMs + config.storage.timeout,
    },
    volumes: config.storage.volumes.map((v) => ({
      name: v.name,
      warnRatio: v.warn_ratio,
      haltRatio: v.halt_ratio,
      resumeRatio: v.resume_ratio,
      floorRatio: v.floor_ratio,
      minFreeBytes: v.min_free_bytes ?? null,
      haltEtaMs: v.halt_eta,
    })),
  };
}
