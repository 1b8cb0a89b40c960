#!/usr/bin/env node
// The process entry point of `jaga`: the only place that reads argv and the environment.
import { applyHeapPolicy, heapSizedByUser } from './heap-policy.js';

// Before the rest of jaga loads: loading it is the first burst that grows the heap.
if (!heapSizedByUser(process.execArgv, process.env.NODE_OPTIONS)) applyHeapPolicy();
// `jaga check-config | head -1`: the reader has all it wanted and left. Nothing more can be said to
// it, and that is no failure; anything else on stdout is one, as before.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { runCli } = await import('./cli.js');
process.exitCode = await runCli(process.argv.slice(2), process.env);
