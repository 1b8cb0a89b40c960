// A full garbage collection on demand, for tests of code that must survive one at any moment (weakly
// held timers, signals). Needs no --expose-gc on the command line: the flag is set at run time and a
// fresh context then carries gc(). No I/O.
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage every `everyMs` until the returned function is called. */
export function collectGarbageEvery(everyMs: number): () => void {
  const timer = setInterval(gc, everyMs);
  return () => clearInterval(timer);
}
