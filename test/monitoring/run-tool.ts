// Runs a command-line tool (promtool, amtool, docker-compose, jaga) to completion and hands back its
// exit code and output, so a test can fail with what the tool said. Process I/O.
import { spawnSync } from 'node:child_process';
import { ROOT } from './promql.js';

export interface ToolRun {
  readonly status: number | null;
  /** stdout and stderr together, with the command line first, for assertion messages. */
  readonly output: string;
}

export function runTool(command: string, args: readonly string[], cwd = ROOT): ToolRun {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    return { status: null, output: `$ ${command} ${args.join(' ')}\ncannot run ${command}: ${result.error.message}` };
  }
  return { status: result.status, output: `$ ${command} ${args.join(' ')}\n${result.stdout}${result.stderr}` };
}
