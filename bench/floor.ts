// The floor: a bare Node process that makes the same probes as jaga, at the same rate, with the same
// connection policy (a new connection per probe) and nothing else: no metrics, state, logs or HTTP
// server. Modes: `client` (a fresh undici Client per probe), `reset` (undici request() with
// reset: true on the global agent), `tcp` (net.connect, closed once connected); and two variants to
// compare what a new-connection HTTP probe can cost: `close` (a fresh Client, no reset, closed
// gracefully after the body) and `node-http` (node:http get with agent: false).
// Run as plain JavaScript (bench/build.ts transpiles it) so its memory is Node's and undici's alone.
// Network I/O to loopback targets only.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { Client, request } from 'undici';
import { answerRequests, parseArgs, runRounds } from './rounds.js';

type Mode = 'client' | 'reset' | 'tcp' | 'close' | 'node-http';

const args = parseArgs(process.argv.slice(2));
const mode = args.mode as Mode;
const targets = JSON.parse(readFileSync(args.targets ?? '', 'utf8')) as string[];
const intervalMs = Number(args['interval-ms']);
const jitterMs = Number(args['jitter-ms']);
const timeoutMs = Number(args['timeout-ms']);
if (!['client', 'reset', 'tcp', 'close', 'node-http'].includes(mode) || targets.length === 0 || !(intervalMs > 0) || !(timeoutMs > 0)) {
  throw new Error(`usage: floor --mode client|reset|tcp|close|node-http --targets FILE.json --interval-ms N --jitter-ms N --timeout-ms N`);
}

let ok = 0;
let failed = 0;
const inFlight = new Set<number>();

async function probeWithClient(url: URL): Promise<boolean> {
  const client = new Client(url.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const { statusCode, body } = await client.request({ path: url.pathname, method: 'GET', reset: true, signal: AbortSignal.timeout(timeoutMs) });
    for await (const _chunk of body) {
      // drain
    }
    return statusCode === 200;
  } finally {
    void client.destroy().catch(() => undefined);
  }
}

async function probeWithClose(url: URL): Promise<boolean> {
  const client = new Client(url.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const timer = setTimeout(() => void client.destroy().catch(() => undefined), timeoutMs);
  try {
    const { statusCode, body } = await client.request({ path: url.pathname, method: 'GET' });
    for await (const _chunk of body) {
      // drain
    }
    return statusCode === 200;
  } finally {
    clearTimeout(timer);
    void client.close().catch(() => undefined);
  }
}

function probeWithNodeHttp(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: url.hostname, port: url.port, path: url.pathname, agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode === 200));
      response.once('error', () => resolve(false));
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

async function probeWithReset(url: string): Promise<boolean> {
  const { statusCode, body } = await request(url, { method: 'GET', reset: true, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
  for await (const _chunk of body) {
    // drain
  }
  return statusCode === 200;
}

function probeTcp(target: string): Promise<boolean> {
  const colon = target.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.slice(0, colon), port: Number(target.slice(colon + 1)), noDelay: true });
    const timer = setTimeout(() => settle(false), timeoutMs);
    const settle = (success: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(success);
    };
    socket.once('connect', () => settle(true)).once('error', () => settle(false));
  });
}

const urls = mode === 'client' || mode === 'close' || mode === 'node-http' ? targets.map((t) => new URL(t)) : [];
const probe = (index: number): Promise<boolean> => {
  if (mode === 'client') return probeWithClient(urls[index]!);
  if (mode === 'close') return probeWithClose(urls[index]!);
  if (mode === 'node-http') return probeWithNodeHttp(urls[index]!);
  if (mode === 'reset') return probeWithReset(targets[index]!);
  return probeTcp(targets[index]!);
};

runRounds({ intervalMs, jitterMs, count: targets.length }, (index) => {
  // As jaga's scheduler: never two probes of the same target at once.
  if (inFlight.has(index)) return;
  inFlight.add(index);
  probe(index).then(
    (success) => {
      if (success) ok += 1;
      else failed += 1;
    },
    () => {
      failed += 1;
    },
  ).finally(() => inFlight.delete(index));
});

answerRequests({ count: () => ({ ok, failed }) });
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
