// `npm start`: the demo central server (deploy/demo-central.mjs, the one docker-compose runs) on
// 127.0.0.1:9470 plus jaga on jaga.example.yaml, so a fresh checkout shows a working gate.
// `curl -X POST 127.0.0.1:9470/outage` toggles an outage. Run from the package root, as npm does.
// stdout is jaga's log alone; this script's own lines go to stderr. Process and loopback I/O.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { runCli } from '../src/cli/cli.js';

const HOST = '127.0.0.1';
const PORT = 9470;
/** demo-central.mjs's exit code when its port is taken. */
const PORT_TAKEN = 3;

// Its stdin is a pipe from this process: when this one dies, even by SIGKILL, the pipe closes and the
// central server exits with it, so no orphan holds the port for the next `npm start`.
const central = spawn(process.execPath, ['deploy/demo-central.mjs', String(PORT), HOST, '--exit-with-stdin'], {
  stdio: ['pipe', 'pipe', 'pipe'],
});
central.stdout.pipe(process.stderr);
// Held back until it is known whether the port was taken: then this script says it once, below.
const centralErrors: Buffer[] = [];
central.stderr.on('data', (chunk: Buffer) => centralErrors.push(chunk));
// jaga starts once the central server listens: its first probe round must find it up.
const exitCode = await Promise.race([
  once(central.stdout, 'data').then(() => null),
  once(central, 'exit').then(([code, signal]) => (code ?? signal) as number | string),
]);
if (exitCode !== PORT_TAKEN) process.stderr.write(Buffer.concat(centralErrors));
central.stderr.pipe(process.stderr);
if (exitCode === PORT_TAKEN && (await answersLikeDemoCentral())) {
  process.stderr.write(`a demo central server already listens on ${HOST}:${PORT} (from an earlier run or docker compose); using it\n`);
} else if (exitCode === PORT_TAKEN) {
  process.stderr.write(`${HOST}:${PORT} is taken by another program; the demo's central server needs it: stop that program and run npm start again\n`);
  process.exit(2);
} else if (exitCode !== null) {
  process.stderr.write(`the demo central server exited (${String(exitCode)})\n`);
  process.exit(2);
}
mkdirSync('./data', { recursive: true });

const args = process.argv.slice(2);
process.exitCode = await runCli(['start', '--config', 'jaga.example.yaml', ...args], process.env);
central.kill('SIGTERM');

async function answersLikeDemoCentral(): Promise<boolean> {
  try {
    const answer = await fetch(`http://${HOST}:${PORT}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await answer.json()) as { status?: unknown };
    return body.status === 'ok' || body.status === 'maintenance';
  } catch {
    return false;
  }
}
