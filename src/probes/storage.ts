// Probes one storage volume: df-style usage from statfs, its device id (the core judges whether it is
// still the mount seen before), a mount point when required, and that it takes a new file. Does
// filesystem I/O, always bounded by the deadline.
import type { BigIntStatsFs } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { VolumeConfig } from '../config/schema.js';
import type { VolumeFailure, VolumeResult, VolumeUsage } from '../core/types.js';
import { describeError, errorCode, raceDeadline, type ProbeContext } from './probe.js';

type Outcome =
  | { readonly ok: true; readonly deviceId: number; readonly usage: VolumeUsage }
  | { readonly ok: false; readonly failure: VolumeFailure; readonly detail: string; readonly usage?: VolumeUsage };

interface Progress {
  stage: 'statfs' | 'stat' | 'write';
  usage?: VolumeUsage;
}

/**
 * Paths whose last probe is still stuck in the kernel (a hard NFS mount, a dying disk). Each stuck
 * call holds one of libuv's few threadpool threads, which all fs calls and dns.lookup share, so we
 * never pile a second call onto a path that has not answered the first.
 */
const stuckPaths = new Map<string, Promise<unknown>>();

export async function probeVolume(volume: VolumeConfig, ctx: ProbeContext): Promise<VolumeResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  if (stuckPaths.has(volume.path)) {
    const detail = `the previous probe of ${volume.path} has not returned yet`;
    return { ok: false, failure: 'statfs_timeout', durationMs: elapsed(), detail };
  }
  const progress: Progress = { stage: 'statfs' };
  let inspection: Promise<Outcome> | undefined;
  let outcome: Outcome;
  try {
    const raced = await raceDeadline(ctx, () => {
      inspection = inspectVolume(volume, progress);
      return inspection;
    });
    if (raced.settled) {
      outcome = raced.value;
    } else {
      if (inspection !== undefined) markStuck(volume.path, inspection);
      outcome = expiredOutcome(raced.why, progress, ctx.timeoutMs);
    }
  } catch (error) {
    outcome = { ok: false, failure: 'statfs_error', detail: describeError(error) };
  }
  const durationMs = elapsed();
  if (outcome.ok) return { ok: true, durationMs, deviceId: outcome.deviceId, ...outcome.usage };
  return { ...outcome, durationMs };
}

function markStuck(volumePath: string, inspection: Promise<unknown>): void {
  stuckPaths.set(volumePath, inspection);
  const release = () => {
    if (stuckPaths.get(volumePath) === inspection) stuckPaths.delete(volumePath);
  };
  inspection.then(release, release);
}

function expiredOutcome(why: 'timeout' | 'aborted', progress: Progress, timeoutMs: number): Outcome {
  if (why === 'aborted') return { ok: false, failure: 'statfs_timeout', detail: 'aborted' };
  const detail = `${progress.stage} did not answer within ${timeoutMs}ms`;
  // statfs answered, so the numbers are real; it is the write that hangs.
  if (progress.stage === 'write' && progress.usage !== undefined) {
    return { ok: false, failure: 'write_failed', detail, usage: progress.usage };
  }
  return { ok: false, failure: 'statfs_timeout', detail };
}

async function inspectVolume(volume: VolumeConfig, progress: Progress): Promise<Outcome> {
  let usage: VolumeUsage;
  try {
    usage = usageFromStatfs(await fs.statfs(volume.path, { bigint: true }));
  } catch (error) {
    return { ok: false, failure: 'statfs_error', detail: `statfs ${volume.path}: ${describeError(error)}` };
  }
  progress.usage = usage;
  progress.stage = 'stat';
  let deviceId: number;
  try {
    deviceId = (await fs.stat(volume.path)).dev;
    if (volume.require_mount_point && !(await isMountPoint(volume.path, deviceId))) {
      const detail = `${volume.path} is not a mount point (same device as its parent directory)`;
      return { ok: false, failure: 'not_mounted', detail, usage };
    }
  } catch (error) {
    return { ok: false, failure: 'statfs_error', detail: `stat ${volume.path}: ${describeError(error)}` };
  }
  if (volume.write_probe) {
    progress.stage = 'write';
    const problem = await tryWrite(volume.path);
    if (problem !== undefined) return { ok: false, failure: 'write_failed', detail: problem, usage };
  }
  return { ok: true, deviceId, usage };
}

/** df semantics: used = size - free; the ratio is over what non-root users can reach (used + avail). */
export function usageFromStatfs(stats: BigIntStatsFs): VolumeUsage {
  const sizeBytes = Number(stats.blocks * stats.bsize);
  const freeBytes = Number(stats.bfree * stats.bsize);
  const availBytes = Number(stats.bavail * stats.bsize);
  const usedBytes = sizeBytes - freeBytes;
  const filesTotal = Number(stats.files);
  const filesFree = Number(stats.ffree);
  return {
    sizeBytes,
    freeBytes,
    availBytes,
    usedBytes,
    usedRatio: usedBytes + availBytes === 0 ? 0 : usedBytes / (usedBytes + availBytes),
    filesTotal,
    filesFree,
    filesUsedRatio: filesTotal === 0 ? 0 : (filesTotal - filesFree) / filesTotal,
  };
}

async function isMountPoint(volumePath: string, deviceId: number): Promise<boolean> {
  const real = await fs.realpath(volumePath);
  if (real === path.dirname(real)) return true;
  return (await fs.stat(path.dirname(real))).dev !== deviceId;
}

/**
 * Creates and removes an empty file. A full disk (ENOSPC, EDQUOT) is not a write failure here:
 * the usage numbers already say so, and that is a different reason with a different remedy.
 */
async function tryWrite(directory: string): Promise<string | undefined> {
  const file = path.join(directory, `.jaga-write-probe-${process.pid}`);
  try {
    await createEmptyFile(file);
    await fs.unlink(file);
    return undefined;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOSPC' || code === 'EDQUOT') return undefined;
    return `write probe ${file}: ${describeError(error)}`;
  }
}

async function createEmptyFile(file: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    // Left over from a crash of a process with our pid; ours to remove.
    await fs.unlink(file);
    handle = await fs.open(file, 'wx');
  }
  await handle.close();
}
