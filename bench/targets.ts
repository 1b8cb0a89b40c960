// The probed side, in its own process so its CPU is never counted: N HTTP servers and N TCP
// listeners on 127.0.0.1, each on its own port, answering at once. HTTP answers 200 with a small JSON
// body and closes (jaga and the peers open a new connection per probe anyway). Loopback network I/O.
import { once } from 'node:events';
import net from 'node:net';
import { parseArgs } from './rounds.js';

const args = parseArgs(process.argv.slice(2));
const httpCount = Number(args.http ?? '0');
const tcpCount = Number(args.tcp ?? '0');

const BODY = '{"status":"ok"}';
const RESPONSE = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}\r\nconnection: close\r\n\r\n${BODY}`;

function httpTarget(socket: net.Socket): void {
  socket.on('error', () => undefined);
  let seen = '';
  socket.on('data', (chunk: Buffer) => {
    seen += chunk.toString('latin1');
    if (seen.includes('\r\n\r\n')) {
      seen = '';
      socket.end(RESPONSE);
    }
  });
}

function tcpTarget(socket: net.Socket): void {
  socket.on('error', () => undefined);
  socket.resume();
  socket.on('end', () => socket.end());
}

async function listenAll(count: number, onConnection: (socket: net.Socket) => void): Promise<number[]> {
  const ports: number[] = [];
  // In batches: a thousand listen() calls at once would be fine too, but this keeps the backlog calm.
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, async () => {
      const server = net.createServer({ noDelay: true }, onConnection);
      server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 });
      await once(server, 'listening');
      return (server.address() as net.AddressInfo).port;
    });
    ports.push(...(await Promise.all(batch)));
  }
  return ports;
}

const http = await listenAll(httpCount, httpTarget);
const tcp = await listenAll(tcpCount, tcpTarget);
process.stdout.write(`${JSON.stringify({ ready: true, http, tcp })}\n`);
// Stops by itself if the benchmark that started it is gone (stdin closes with it).
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
