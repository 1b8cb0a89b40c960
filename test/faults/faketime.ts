// libfaketime (Debian package `faketime`) for a jaga process: finds the library and keeps a clock file
// that steps the process's wall clock while it runs; its monotonic clock is left alone, as on a real
// machine whose clock is stepped by NTP or by hand. File and process I/O.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The multi-threaded libfaketime (node has threads). Throws, naming the package, when it is missing. */
export function faketimeLibrary(): string {
  let listed = '';
  try {
    listed = execFileSync('dpkg', ['-L', 'libfaketime'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // not a Debian system, or not installed: fall through to the error
  }
  const library = listed.split('\n').find((line) => line.endsWith('/libfaketimeMT.so.1'));
  if (library === undefined || !existsSync(library)) {
    throw new Error('libfaketime not found: install the Debian package "faketime" (the test command installs it)');
  }
  return library;
}

export class FakeClock {
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, 'faketime');
    this.set(0);
  }

  /** Environment for the process: the library, the clock file re-read at most once a second. */
  env(): Record<string, string> {
    return {
      LD_PRELOAD: faketimeLibrary(),
      FAKETIME_TIMESTAMP_FILE: this.file,
      FAKETIME_CACHE_DURATION: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  /** The process's wall clock is now real time plus `offsetSeconds` (within a second). */
  set(offsetSeconds: number): void {
    writeFileSync(this.file, `${offsetSeconds >= 0 ? '+' : '-'}${Math.abs(Math.round(offsetSeconds))}\n`);
  }
}
