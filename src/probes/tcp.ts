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
  type Cancellation,
  type ProbeTrace,
  type TargetProber,
} from './probe.js';

/** A target whose host is an IP address, seen once: its address and its success detail never change. */
interface FixedAddress {
  readonly address: string;
  readonly connected: string;
}

/** Per target config, null when its host is a name to resolve on every probe. */
const fixedAddresses = new WeakMap<TcpTargetConfig, FixedAddress | null>();

function fixedAddress(target: TcpTargetConfig): FixedAddress | null {
  let fixed = fixedAddresses.get(target);
  if (fixed === undefined) {
    const address = ipLiteral(target.host);
    fixed = address === null ? null : { address, connected: connectedTo(address, target.port) };
    fixedAddresses.set(target, fixed);
  }
  return fixed;
}

export const probeTcp: TargetProber<TcpTargetConfig> = (target, ctx) =>
  measureProbe(ctx, target.max_latency, async (cancellation, trace) => {
    try {
      const fixed = fixedAddress(target);
      const address = fixed?.address ?? (await resolveHost(target.host, cancellation, trace));
      trace.stage = 'connect';
      const connectStarted = performance.now();
      const socket = await connectTcp(address, target.port, cancellation);
      trace.phases.connect = since(connectStarted);
      // Reachability is proven; a FIN handshake would only add noise to the timing.
      socket.destroy();
      return { ok: true, detail: fixed?.connected ?? connectedTo(address, target.port) };
    } catch (error) {
      return { ok: false, failure: classifyNetworkError(error), detail: describeError(error) };
    }
  });

function connectedTo(address: string, port: number): string {
  return `connected to ${formatAddress(address, port)}`;
}

/** The host as an IP address when it is one (brackets of "[::1]" removed), else null: nothing to resolve. */
export function ipLiteral(host: string): string | null {
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return net.isIP(literal) !== 0 ? literal : null;
}

/**
 * Resolves a host name to one address (phase `dns`) with the system resolver (getaddrinfo), like
 * every other program on the box would. IP literals are the caller's (ipLiteral): no lookup, no phase.
 */
export async function resolveHost(host: string, cancellation: Cancellation, trace: ProbeTrace): Promise<string> {
  trace.stage = 'dns';
  const started = performance.now();
  const { address } = await dns.lookup(host);
  trace.phases.dns = since(started);
  // getaddrinfo cannot be cancelled; if the probe ended meanwhile, do not start connecting.
  cancellation.throwIfCancelled();
  return address;
}

/** Connects to an IP address; on cancellation the half-open socket is destroyed at once. */
export function connectTcp(address: string, port: number, cancellation: Cancellation): Promise<net.Socket> {
  if (cancellation.reason !== null) return Promise.reject(cancellation.reason);
  return settleOn(net.connect({ host: address, port, noDelay: true }), 'connect', cancellation);
}

/**
 * Resolves with the socket once `ready` fires; on its 'error' or a cancellation, destroys it and
 * rejects. Listeners are removed either way, so a finished probe leaves nothing behind.
 */
export function settleOn<S extends net.Socket>(socket: S, ready: 'connect' | 'secureConnect', cancellation: Cancellation): Promise<S> {
  return new Promise((resolve, reject) => {
    // Replaced below; a cancellation that came first settles at once, before there is anything to stop.
    let stopListening = (): void => undefined;
    const settle = (error: unknown) => {
      socket.off(ready, onReady).off('error', settle);
      stopListening();
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onReady = () => settle(undefined);
    socket.once(ready, onReady).once('error', settle);
    stopListening = cancellation.onCancel(settle);
  });
}

export function formatAddress(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}
