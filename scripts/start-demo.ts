// `npm start`: the demo central server (deploy/demo-central.mjs, the one docker-compose runs) on
// 127.0.0.1:9470 plus jaga on jaga.example.yaml, so a fresh checkout shows a working gate.
// `curl -X POST 127.0.0.1:9470/outage` toggles an outage. Run from the package root, as npm does.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { runCli } from '../src/cli.js';

const central = spawn(process.execPath, ['deploy/demo-central.mjs', '9470', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
central.stdout.pipe(process.stdout);
// jaga starts once the central server listens: its first probe round must find it up.
await Promise.race([
  once(central.stdout, 'data'),
  once(central, 'exit').then(([code]) => {
    throw new Error(`the demo central server exited (${String(code)})`);
  }),
]);
mkdirSync('./data', { recursive: true });

const args = process.argv.slice(2);
process.exitCode = await runCli(['start', '--config', 'jaga.example.yaml', ...args], process.env);
central.kill('SIGTERM');
