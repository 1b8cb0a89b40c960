// `jaga probe`: one round of every probe and backlog source, judged as if each result were final
// (thresholds of 1), and a readable table. Probes do I/O; judging and rendering are the pure domain and
// catalogue. Heartbeats are pushed to a running jaga, so a one-shot round has none to judge.
import { setMaxListeners } from 'node:events';
import { assessTarget, assessVolume, initialTargetState, initialVolumeState } from '../core/assess.js';
import { assessBacklog, initialBacklogState, oldestAgeMs } from '../core/data-at-risk.js';
import { decideGate } from '../core/gate.js';
import type { BacklogObservation, Gate, TargetObservation, VolumeObservation } from '../core/types.js';
import { formatBytes } from '../core/units.js';
import type { Config } from '../config/schema.js';
import type { Catalogue } from '../i18n/catalogue.js';
import { gatePolicy } from '../shell/policy.js';
import { runTargetProbe } from '../probes/registry.js';
import { probeVolume } from '../probes/storage.js';
import { readBacklogSource } from '../probes/backlog/registry.js';

export interface ProbeRound {
  readonly targets: readonly (TargetObservation & { readonly kind: string; readonly role: string })[];
  readonly volumes: readonly VolumeObservation[];
  readonly backlogs: readonly (BacklogObservation & { readonly kind: string })[];
  readonly gate: Gate;
}

export async function runProbeRound(config: Config, clock: () => number = Date.now): Promise<ProbeRound> {
  const signal = new AbortController().signal;
  // Every probe of the round listens on this one signal, as the scheduler's probes do on its own:
  // one listener per target is the design, not a leak, so Node's warning past 10 must not fire.
  setMaxListeners(0, signal);
  const all = [
    ...config.central.targets.map((t) => ({ target: t, role: 'central' as const })),
    ...config.central.reference_targets.map((t) => ({ target: t, role: 'reference' as const })),
  ];
  const [targets, volumes, backlogs] = await Promise.all([
    Promise.all(
      all.map(async ({ target, role }) => {
        const at = clock();
        const result = await runTargetProbe(target, { signal, timeoutMs: target.timeout ?? config.central.timeout });
        return { ...result, target: target.name, at, kind: target.type, role };
      }),
    ),
    Promise.all(
      config.storage.volumes.map(async (volume) => {
        const at = clock();
        const result = await probeVolume(volume, { signal, timeoutMs: config.storage.timeout });
        return { ...result, volume: volume.name, at };
      }),
    ),
    Promise.all(
      config.backlog.sources.map(async (source) => {
        const at = clock();
        const result = await readBacklogSource(source, { signal, timeoutMs: source.timeout ?? config.backlog.timeout });
        return { ...result, source: source.name, at, kind: source.type };
      }),
    ),
  ]);
  const once = { failureThreshold: 1, recoveryThreshold: 1 };
  const targetStates = targets.map((obs) => assessTarget(initialTargetState(obs.target, obs.kind, obs.role), obs, once));
  const volumeStates = volumes.map((obs) => {
    const volume = config.storage.volumes.find((v) => v.name === obs.volume);
    return assessVolume(initialVolumeState(obs.volume), obs, volume?.fill_window ?? 0);
  });
  const backlogStates = backlogs.map((obs) => assessBacklog(initialBacklogState(obs.source), obs));
  const now = clock();
  const { gate } = decideGate(
    { previous: null, targets: targetStates, volumes: volumeStates, backlogs: backlogStates, heartbeats: [], overrides: [], now },
    gatePolicy(config),
  );
  return { targets, volumes, backlogs, gate };
}

export function renderProbeTable(round: ProbeRound, text: Catalogue): string {
  const rows: string[][] = [[...text.cli.probeHeader]];
  for (const t of round.targets) {
    rows.push([
      t.target,
      `${t.kind}${t.role === 'reference' ? ' (ref)' : ''}`,
      t.ok ? text.cli.ok : `${text.cli.failed}: ${t.failure}`,
      `${t.durationMs.toFixed(0)} ms`,
      t.detail,
    ]);
  }
  for (const v of round.volumes) {
    const usage = v.ok
      ? `${(v.usedRatio * 100).toFixed(1)}% (${formatBytes(v.availBytes)} / ${formatBytes(v.sizeBytes)}), inode ${(v.filesUsedRatio * 100).toFixed(1)}%`
      : v.detail;
    rows.push([v.volume, 'storage', v.ok ? text.cli.ok : `${text.cli.failed}: ${v.failure}`, `${v.durationMs.toFixed(0)} ms`, usage]);
  }
  for (const b of round.backlogs) {
    // The oldest item's age when the round was judged, as the gate saw it.
    const age = b.ok ? oldestAgeMs(b, round.gate.decidedAt) : null;
    const reading = b.ok ? text.cli.statusBacklog(b.items, b.bytes, age === null ? null : age / 1000) : b.detail;
    rows.push([b.source, `backlog/${b.kind}`, b.ok ? text.cli.ok : `${text.cli.failed}: ${b.failure}`, `${b.durationMs.toFixed(0)} ms`, reading]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  lines.push('', text.cli.gateLine(text.gateState[round.gate.state]));
  if (round.gate.reasons.length === 0) lines.push(text.cli.noReasons);
  for (const reason of round.gate.reasons) lines.push(`  - ${reason.code}: ${text.reason(reason)}`);
  return lines.join('\n');
}
