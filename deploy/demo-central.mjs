// A stand-in central server for the docker-compose demo: GET /health answers {"status":"ok"}, or 503
// during a simulated outage; POST /outage toggles it. Usage: node demo-central.mjs [port] [host].
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 9470);
const host = process.argv[3] ?? '0.0.0.0';
let outage = false;

const server = createServer((req, res) => {
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

server.listen(port, host, () => {
  const { port: bound } = server.address();
  process.stdout.write(`demo central server on http://${host}:${bound}/health (POST /outage toggles an outage)\n`);
});
// docker stop sends SIGTERM; a process with PID 1 gets no default handler for it.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
