#!/usr/bin/env node
// The process entry point of `jaga`: the only place that reads argv and the environment.
import { applyHeapPolicy, heapSizedByUser } from '../runtime/heap-policy.js';

// Before the rest of jaga loads: loading it is the first burst that grows the heap.
if (!heapSizedByUser(process.execArgv, process.env.NODE_OPTIONS)) applyHeapPolicy();
// `jaga check-config | head -1`: the reader has all it wanted and left. Nothing more can be said to
// it, and that is no failure: the rest of the output goes nowhere and the command's own exit code
// stands (`jaga status | head -1` while halted still exits 1). Anything else on stdout is a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
const { runCli } = await import('./cli.js');
process.exitCode = await runCli(process.argv.slice(2), process.env);
