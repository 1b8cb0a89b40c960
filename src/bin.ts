#!/usr/bin/env node
// The process entry point of `jaga`: the only place that reads argv and the environment.
import { applyHeapPolicy, heapSizedByUser } from './heap-policy.js';

// Before the rest of jaga loads: loading it is the first burst that grows the heap.
if (!heapSizedByUser(process.execArgv, process.env.NODE_OPTIONS)) applyHeapPolicy();
const { runCli } = await import('./cli.js');
process.exitCode = await runCli(process.argv.slice(2), process.env);
