// A stand-in central server for the docker-compose demo and `npm start`: GET /health answers
// {"status":"ok"}, or 503 during a simulated outage; POST /outage toggles it.
// Usage: node demo-central.mjs [port] [host] [--exit-with-stdin]. With --exit-with-stdin it exits when
// its stdin closes: `npm start` gives it a pipe, which closes when npm start dies, even by SIGKILL.
import { createServer } from 'node:http';

const [portArg, hostArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const port = Number(portArg ?? 9470);
const host = hostArg ?? '0.0.0.0';
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

// One line, no stack: the one who started it says what to do about it.
server.on('error', (error) => {
  process.stderr.write(`demo central server: cannot listen on ${host}:${port} (${error.code ?? error.message})\n`);
  process.exit(error.code === 'EADDRINUSE' ? 3 : 1);
});

server.listen(port, host, () => {
  const { port: bound } = server.address();
  process.stdout.write(`demo central server on http://${host}:${bound}/health (POST /outage toggles an outage)\n`);
});
// docker stop sends SIGTERM; a process with PID 1 gets no default handler for it.
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
