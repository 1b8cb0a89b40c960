// One temporary SQLite store for tests: a fresh directory under the OS temp dir with `jaga.db` in it,
// reopened as a restart would and removed afterwards. Does file I/O.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/sqlite.js';

export interface TempStore {
  /** The temporary directory; tests may put their own files in it. Removed by `remove`. */
  readonly dir: string;
  /** `<dir>/jaga.db`. */
  readonly file: string;
  /** The open store; `reopen` replaces it. */
  readonly store: Store;
  /** Closes the store and opens the same file again, as a process restart would. */
  reopen(): Store;
  /** Closes the store and deletes the directory; safe to call twice. */
  remove(): void;
}

/**
 * A new directory named `<prefix>XXXXXX` with a store opened on `jaga.db` in it. `now` stamps
 * snapshot rows, as in `openStore`.
 */
export function tempStore(prefix = 'jaga-store-', now: () => number = Date.now): TempStore {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'jaga.db');
  let store: Store;
  try {
    store = openStore(file, now);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    file,
    get store() {
      return store;
    },
    reopen() {
      store.close();
      store = openStore(file, now);
      return store;
    },
    remove() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
