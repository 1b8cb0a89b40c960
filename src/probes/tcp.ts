// Probes that a TCP port accepts connections (resolve, connect, close), and the abortable resolve
// and connect steps the HTTP prober builds on. Does network I/O.
import { promises as dns } from 'node:dns';
import net from 'node:net';
import type { TcpTargetConfig } from '../config/schema.js';
import {
  classifyNetworkError,
  describeError,
  measureProbe,
  since,
  type ProbeTrace,
  type TargetProber,
} from './probe.js';

export const probeTcp: TargetProber<TcpTargetConfig> = (target, ctx) =>
  measureProbe(ctx, target.max_latency, async (signal, trace) => {
    try {
      const address = ipLiteral(target.host) ?? (await resolveHost(target.host, signal, trace));
      trace.stage = 'connect';
      const connectStarted = performance.now();
      const socket = await connectTcp(address, target.port, signal);
      trace.phases.connect = since(connectStarted);
      // Reachability is proven; a FIN handshake would only add noise to the timing.
      socket.destroy();
      return { ok: true, detail: `connected to ${formatAddress(address, target.port)}` };
    } catch (error) {
      return { ok: false, failure: classifyNetworkError(error), detail: describeError(error) };
    }
  });

/** The host as an IP address when it is one (brackets of "[::1]" removed), else null: nothing to resolve. */
export function ipLiteral(host: string): string | null {
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return net.isIP(literal) !== 0 ? literal : null;
}

/**
 * Resolves a host name to one address (phase `dns`) with the system resolver (getaddrinfo), like
 * every other program on the box would. IP literals are the caller's (ipLiteral): no lookup, no phase.
 */
export async function resolveHost(host: string, signal: AbortSignal, trace: ProbeTrace): Promise<string> {
  trace.stage = 'dns';
  const started = performance.now();
  const { address } = await dns.lookup(host);
  trace.phases.dns = since(started);
  // getaddrinfo cannot be cancelled; if the probe ended meanwhile, do not start connecting.
  signal.throwIfAborted();
  return address;
}

/** Connects to an IP address; on abort the half-open socket is destroyed at once. */
export function connectTcp(address: string, port: number, signal: AbortSignal): Promise<net.Socket> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return settleOn(net.connect({ host: address, port, noDelay: true }), 'connect', signal);
}

/**
 * Resolves with the socket once `ready` fires; on its 'error' or an abort, destroys it and rejects.
 * Listeners are removed either way, so a finished probe leaves nothing behind.
 */
export function settleOn<S extends net.Socket>(socket: S, ready: 'connect' | 'secureConnect', signal: AbortSignal): Promise<S> {
  return new Promise((resolve, reject) => {
    const settle = (error: unknown) => {
      socket.off(ready, onReady).off('error', settle);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onReady = () => settle(undefined);
    const onAbort = () => settle(signal.reason ?? new Error('aborted'));
    socket.once(ready, onReady).once('error', settle);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function formatAddress(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}
