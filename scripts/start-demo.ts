// `npm start`: a small demo central server on 127.0.0.1:9470 plus jaga on jaga.example.yaml, so a
// fresh checkout shows a working gate. `curl -X POST 127.0.0.1:9470/outage` toggles an outage.
import { createServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { runCli } from '../src/cli.js';

const DEMO_PORT = 9470;
let outage = false;

const central = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/outage') {
    outage = !outage;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ outage }));
    return;
  }
  if (req.url === '/health') {
    res.writeHead(outage ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: outage ? 'maintenance' : 'ok' }));
    return;
  }
  res.writeHead(404).end();
});

central.listen(DEMO_PORT, '127.0.0.1', () => {
  process.stdout.write(`demo central server on http://127.0.0.1:${DEMO_PORT}/health (POST /outage toggles an outage)\n`);
});
mkdirSync('./data', { recursive: true });

const args = process.argv.slice(2);
process.exitCode = await runCli(['start', '--config', 'jaga.example.yaml', ...args], process.env);
central.close();
