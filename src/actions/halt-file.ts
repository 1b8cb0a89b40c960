// The halt_file gate action: a file that exists while halted and is absent while allowed, made so on start,
// on change, after a failure and now and then. It only ever replaces or removes a file it wrote itself
// (marked `"written_by":"jaga"`). File I/O: async in the action, sync in the start-time path check;
// waits on the Clock.
import { closeSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { lstat, open, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { GateActionConfig } from '../config/schema.js';
import type { Gate, GateStateName } from '../core/types.js';
import type { ActionDeps, GateAction } from './action.js';

type HaltFileConfig = Extract<GateActionConfig, { type: 'halt_file' }>;

const WRITTEN_BY = 'jaga';
/** jaga's file is well under 1 KiB; anything bigger is someone else's and is not read whole. */
const OWN_FILE_MAX_BYTES = 16 * 1024;
const FOREIGN = 'holds a file jaga did not write';
/** A reconcile is a few file operations; this long without an answer means a hung filesystem. */
const HUNG_AFTER_MS = 10_000;

/** What the file holds while halted: small JSON a person or a script can read. Null: no file. */
export function haltFileContent(gate: Gate): string | null {
  if (gate.state !== 'halted') return null;
  const reasons = [...new Set(gate.reasons.map((r) => r.code))];
  return `${JSON.stringify({ written_by: WRITTEN_BY, state: gate.state, since: new Date(gate.since).toISOString(), reasons })}\n`;
}

/**
 * Whether `text` is a halt file jaga wrote: marked `written_by: "jaga"`, or exactly the unmarked
 * `{state: "halted", since, reasons}` that versions before the marker wrote (so an upgrade while halted
 * does not refuse its own file). Pure.
 */
export function isOwnHaltFile(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const fields = parsed as Record<string, unknown>;
  if (fields.written_by === WRITTEN_BY) return true;
  const keys = Object.keys(fields).sort().join(',');
  return (
    keys === 'reasons,since,state' &&
    fields.state === 'halted' &&
    typeof fields.since === 'string' &&
    Array.isArray(fields.reasons) &&
    fields.reasons.every((r) => typeof r === 'string')
  );
}

/** What is at the path now: nothing, jaga's own file (with its content), or something jaga must not touch. */
type Found = { readonly kind: 'absent' } | { readonly kind: 'own'; readonly content: string } | { readonly kind: 'foreign'; readonly problem: string };

const errorCode = (error: Error): string => (error as NodeJS.ErrnoException).code ?? String(error);
const isMissing = (error: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/*
 * The ownership rule, written once for the sync start check and the async action: from the entry's lstat
 * (or its error), then, when that cannot tell, from the file's first bytes (or the error reading them).
 * An error other than "nothing there" is a reason, never a throw: what jaga cannot read, it does not own.
 */
function judgeEntry(entry: Stats | Error): Found | null {
  if (entry instanceof Error) return isMissing(entry) ? { kind: 'absent' } : { kind: 'foreign', problem: `cannot be checked (${errorCode(entry)})` };
  if (entry.isDirectory()) return { kind: 'foreign', problem: 'is a directory' };
  if (entry.isSymbolicLink()) return { kind: 'foreign', problem: 'is a symbolic link' };
  if (!entry.isFile() || entry.size > OWN_FILE_MAX_BYTES) return { kind: 'foreign', problem: FOREIGN };
  return null;
}

function judgeHead(head: string | Error): Found {
  if (head instanceof Error) return { kind: 'foreign', problem: `cannot be read (${errorCode(head)})` };
  return isOwnHaltFile(head) ? { kind: 'own', content: head } : { kind: 'foreign', problem: FOREIGN };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

function attempt<T>(read: () => T): T | Error {
  try {
    return read();
  } catch (error) {
    return asError(error);
  }
}

function readHeadSync(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(OWN_FILE_MAX_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

async function readHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(OWN_FILE_MAX_BYTES), 0, OWN_FILE_MAX_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function inspectSync(path: string): Found {
  return judgeEntry(attempt(() => lstatSync(path))) ?? judgeHead(attempt(() => readHeadSync(path)));
}

async function inspect(path: string): Promise<Found> {
  return judgeEntry(await lstat(path).catch(asError)) ?? judgeHead(await readHead(path).catch(asError));
}

/**
 * Why `path` cannot be jaga's halt file, or null when it can: absent with an existing parent directory,
 * or holding a file jaga wrote. For the start and check-config (sync: it runs before anything else).
 */
export function haltFilePathProblem(path: string): string | null {
  const found = inspectSync(path);
  if (found.kind !== 'absent') return found.kind === 'foreign' ? found.problem : null;
  const parent = dirname(path);
  try {
    return statSync(parent).isDirectory() ? null : `parent ${parent} is not a directory`;
  } catch {
    return `parent directory ${parent} does not exist`;
  }
}

/** The path holds something that is not jaga's: it is left exactly as it is. */
class ForeignFileError extends Error {}

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
    const running = this.reconcile(gate, content).finally(() => {
      this.running = null;
    });
    this.running = running;
    // Through the Clock so that a fake clock sees the file work in flight; a hung mount is said once.
    void this.deps.clock.within(running, HUNG_AFTER_MS, () =>
      this.deps.logger.error({ action: 'halt_file', path: this.config.path, waitedMs: HUNG_AFTER_MS }, 'the halt file path does not answer (a hung filesystem?); the halt file may not match the gate'),
    );
  }

  async stop(graceMs: number): Promise<void> {
    // The file stays as it is: it says what the gate said last.
    const running = this.running;
    if (!running) return;
    await this.deps.clock.within(running, graceMs, () => undefined);
  }

  private async reconcile(gate: Gate, content: string | null): Promise<void> {
    const want = content ?? ABSENT;
    const { path } = this.config;
    const log = { action: 'halt_file', path, state: gate.state, since: new Date(gate.since).toISOString(), reasons: gate.reasons.map((r) => r.code) };
    try {
      const changed = await makeSo(path, content);
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
      this.retryAt = this.deps.clock.now() + this.deps.tuning.haltFileRetryMs;
      // Loud once, then quietly until it works again: a read-only mount would otherwise log every few seconds.
      const level = this.failures === 1 ? 'error' : 'debug';
      const retry = { failures: this.failures, retryInMs: this.deps.tuning.haltFileRetryMs };
      if (error instanceof ForeignFileError) {
        // Someone else's file (a typo in the path, or made after the start check): never overwrite or delete it.
        this.deps.logger[level]({ ...log, result: 'failed', problem: error.message, ...retry }, `the halt file path ${error.message}: jaga leaves it untouched and does not signal through it`);
        this.deps.onResult('failed');
        return;
      }
      this.deps.logger[level](
        { ...log, result: 'retry', err: error, ...retry },
        content === null ? 'cannot remove the halt file; will retry' : 'cannot write the halt file; will retry',
      );
      this.deps.onResult('retry');
    }
  }
}

/** Makes the path hold `content` (null: nothing); false when it already did. Throws ForeignFileError rather than touch what is not jaga's. */
async function makeSo(path: string, content: string | null): Promise<boolean> {
  const found = await inspect(path);
  if (found.kind === 'foreign') throw new ForeignFileError(found.problem);
  if (content === null) {
    if (found.kind === 'absent') return false;
    await unlink(path).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
    return true;
  }
  if (found.kind === 'own' && found.content === content) return false;
  // Through a temporary file and a rename, so a reader never sees half a file. No mkdir: a missing parent
  // directory is a mistake in the path, reported (ENOENT), not made.
  const temporary = `${path}.jaga-${process.pid}.tmp`;
  // The name is predictable, so in a directory others can write, something may already be there: a stale
  // file of ours, or a symlink planted to make jaga (often root) overwrite its target. unlink removes the
  // entry itself, never a target, and `wx` (O_CREAT|O_EXCL) refuses whatever appears before the create.
  await unlink(temporary).catch((error: unknown) => {
    if (!isMissing(error)) throw error;
  });
  try {
    await writeFile(temporary, content, { mode: 0o644, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  return true;
}
