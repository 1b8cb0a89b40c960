#!/usr/bin/env node
// The process entry point of `jaga`: the only place that reads argv and the environment.
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2), process.env);
