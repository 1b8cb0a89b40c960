// The halt_file gate action: a file that exists while halted and is absent while allowed, made so on start,
// on change, after a failure and now and then. File I/O, async only (a hung mount must not hang decisions).
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GateActionConfig } from '../config/schema.js';
import type { Gate, GateStateName } from '../domain/types.js';
import type { ActionDeps, GateAction } from './action.js';

type HaltFileConfig = Extract<GateActionConfig, { type: 'halt_file' }>;

/** What the file holds while halted: small JSON a person or a script can read. Null: no file. */
export function haltFileContent(gate: Gate): string | null {
  if (gate.state !== 'halted') return null;
  const reasons = [...new Set(gate.reasons.map((r) => r.code))];
  return `${JSON.stringify({ state: gate.state, since: new Date(gate.since).toISOString(), reasons })}\n`;
}

const ABSENT = '';

export class HaltFileAction implements GateAction {
  /** The content last made true on disk (ABSENT: no file); null until the first reconcile succeeded. */
  private applied: string | null = null;
  private appliedState: GateStateName | null = null;
  private failedWant: string | null = null;
  private failures = 0;
  private retryAt = 0;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: HaltFileConfig,
    private readonly deps: ActionDeps,
  ) {
  }

  update(gate: Gate, now: number): void {
    if (this.running) return; // the next update after it finishes sees any change
    const content = haltFileContent(gate);
    const want = content ?? ABSENT;
    if (want === this.applied) {
      if (now - this.checkedAt < this.deps.tuning.haltFileRecheckMs) return;
    } else if (want === this.failedWant && now < this.retryAt) {
      return;
    }
    this.checkedAt = now;
    this.running = this.reconcile(gate, content).finally(() => {
      this.running = null;
    });
  }

  async stop(graceMs: number): Promise<void> {
    // The file stays as it is: it says what the gate said last.
    const running = this.running;
    if (!running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private async reconcile(gate: Gate, content: string | null): Promise<void> {
    const want = content ?? ABSENT;
    const { path } = this.config;
    const log = { action: 'halt_file', path, state: gate.state, since: new Date(gate.since).toISOString(), reasons: gate.reasons.map((r) => r.code) };
    try {
      const changed = content === null ? await removeIfPresent(path) : await writeIfDifferent(path, content);
      const expected = this.applied === want; // a periodic check that had to put the file back
      const stateChanged = this.appliedState !== gate.state;
      this.applied = want;
      this.appliedState = gate.state;
      const recovered = this.failures > 0;
      this.failedWant = null;
      this.failures = 0;
      if (!changed && !recovered) return;
      const what = content === null ? 'halt file removed' : stateChanged ? 'halt file created' : 'halt file updated';
      if (expected && changed) this.deps.logger.warn({ ...log, result: 'ok' }, `${what}: it had been changed outside jaga`);
      else this.deps.logger.info({ ...log, result: 'ok', ...(recovered ? { recovered: true } : {}) }, what);
      this.deps.onResult('ok');
    } catch (error) {
      this.failures += 1;
      this.failedWant = want;
      this.retryAt = this.deps.clock() + this.deps.tuning.haltFileRetryMs;
      // Loud once, then quietly until it works again: a read-only mount would otherwise log every few seconds.
      const level = this.failures === 1 ? 'error' : 'debug';
      this.deps.logger[level](
        { ...log, result: 'retry', err: error, failures: this.failures, retryInMs: this.deps.tuning.haltFileRetryMs },
        content === null ? 'cannot remove the halt file; will retry' : 'cannot write the halt file; will retry',
      );
      this.deps.onResult('retry');
    }
  }
}

/** Removes the file; false when there was none. */
async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. False when already so. */
async function writeIfDifferent(path: string, content: string): Promise<boolean> {
  const current = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (current === content) return false;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o644 });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return true;
}
