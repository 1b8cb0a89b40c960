// The gate-read floor: a bare node:http server that answers every request with one recorded answer
// of jaga's gate (same status, headers and body bytes; Node adds Date and keep-alive as it does for
// jaga), and does nothing else. What a gate read costs on this machine without jaga in it.
// Run as plain JavaScript (bench/build.ts transpiles it). Loopback network I/O; stops with its stdin.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { answerRequests, parseArgs } from './rounds.js';

/** One HTTP answer as recorded from jaga: Node's own per-connection headers left out. */
export interface RecordedAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

const args = parseArgs(process.argv.slice(2));
const answer = JSON.parse(readFileSync(args.answer ?? '', 'utf8')) as RecordedAnswer;
if (!(answer.status >= 200) || !Array.isArray(answer.headers) || typeof answer.body !== 'string') {
  throw new Error('usage: gate-floor --answer FILE.json (status, headers, body)');
}
const headers = Object.fromEntries(answer.headers);
const body = Buffer.from(answer.body);

const server = createServer((req, res) => {
  res.writeHead(answer.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  answerRequests({});
  process.stdout.write(`${JSON.stringify({ ready: true, port, pid: process.pid })}\n`);
});
