// A TCP fault proxy on 127.0.0.1 in front of one upstream, whose fault is chosen per connection:
// pass, refuse, silent, delay, drip, reset or close after N bytes, and seeded random loss. Loopback I/O.
import { once } from 'node:events';
import net from 'node:net';

/**
 * What happens to one connection. Byte counts and delays are about the upstream's answer:
 * - `pass`: forwarded both ways untouched.
 * - `silent`: accepted, read, never answered, never forwarded (a blackhole past the handshake).
 * - `delay`: the first byte from upstream is held back `ms`, then everything flows.
 * - `drip`: the first `afterBytes` from upstream at once, then one byte every `everyMs`.
 * - `reset` / `close`: after `afterBytes` from upstream, an RST (`resetAndDestroy`) or a FIN.
 * - `loss`: dropped with probability `p` (as `drop`: `silent` by default, or `reset`), passed
 *   otherwise; draws come from a PRNG seeded with `seed`, so the n-th loss connection's fate is
 *   the same on every run.
 */
export type ConnectionMode =
  | { readonly mode: 'pass' }
  | { readonly mode: 'silent' }
  | { readonly mode: 'delay'; readonly ms: number }
  | { readonly mode: 'drip'; readonly everyMs: number; readonly afterBytes?: number }
  | { readonly mode: 'reset'; readonly afterBytes: number }
  | { readonly mode: 'close'; readonly afterBytes: number }
  | { readonly mode: 'loss'; readonly p: number; readonly seed: number; readonly drop?: 'silent' | 'reset' };

/** `refuse` closes the listener (connects get ECONNREFUSED); any other mode listens again, same port. */
export type ProxyMode = ConnectionMode | { readonly mode: 'refuse' };

/** One accepted connection: the mode it got, and for `loss` whether it was dropped. */
export interface ConnectionRecord {
  readonly mode: ConnectionMode['mode'];
  readonly dropped: boolean;
}

export const PASS: ConnectionMode = { mode: 'pass' };

const RESET_AFTER_DATA_MS = 20;

/** mulberry32: tiny, seedable, good enough to make loss reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultProxy {
  private server: net.Server | undefined;
  private current: ProxyMode = PASS;
  private readonly queued: ConnectionMode[] = [];
  private readonly sockets = new Set<net.Socket>();
  private random: { seed: number; next: () => number } | undefined;
  /** Every accepted connection in order (refused connects never reach us, so they are not here). */
  readonly log: ConnectionRecord[] = [];
  /** Client connections open now (not yet closed or half-closed by the client), and the most ever open at once since the last resetStats(). */
  open = 0;
  maxOpen = 0;

  private boundPort = 0;

  private constructor(
    readonly upstreamPort: number,
    readonly upstreamHost: string,
  ) {}

  /** Listens on an ephemeral loopback port (kept for the proxy's life) in `pass` mode. */
  static async start(upstreamPort: number, upstreamHost = '127.0.0.1'): Promise<FaultProxy> {
    const proxy = new FaultProxy(upstreamPort, upstreamHost);
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.boundPort;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.log.length;
  }

  /** Connections per mode, and how many `loss` connections were dropped. */
  get counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.log) counts[record.mode] = (counts[record.mode] ?? 0) + 1;
    counts.dropped = this.log.filter((r) => r.dropped).length;
    return counts;
  }

  /** The mode for new connections from now on (queued modes still go first). */
  async set(mode: ProxyMode): Promise<void> {
    this.current = mode;
    if (mode.mode === 'refuse') await this.unlisten();
    else if (this.server === undefined) await this.listen();
  }

  /** Modes for the next connections, one each, before the current mode applies again. */
  queue(...modes: ConnectionMode[]): void {
    this.queued.push(...modes);
  }

  resetStats(): void {
    this.maxOpen = this.open;
  }

  async close(): Promise<void> {
    this.queued.length = 0;
    await this.unlisten();
    for (const socket of this.sockets) socket.destroy();
  }

  private async listen(): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    server.listen(this.boundPort, '127.0.0.1');
    await once(server, 'listening');
    this.boundPort = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops accepting; connections already open carry on. */
  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server?.listening) {
      server.close();
      // close() waits for open connections; 'listening' is false at once, which is all refuse needs.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private accept(client: net.Socket): void {
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    this.sockets.add(client);
    client.on('error', () => undefined);
    // Open = the client still holds it: until it sends FIN or the socket closes, whichever is first
    // (a delayed answer may keep our half of a connection the client already left).
    let held = true;
    const left = () => {
      if (held) this.open -= 1;
      held = false;
    };
    client.once('end', left);
    client.once('close', () => {
      left();
      this.sockets.delete(client);
    });
    const mode = this.queued.shift() ?? (this.current.mode === 'refuse' ? PASS : this.current);
    const dropped = mode.mode === 'loss' && this.draw(mode) < mode.p;
    this.log.push({ mode: mode.mode, dropped });
    if (mode.mode === 'silent' || (mode.mode === 'loss' && dropped && mode.drop !== 'reset')) {
      // Read and forget; once the client gives up (FIN), let the connection go.
      client.resume().once('end', () => client.destroy());
      return;
    }
    if (dropped) {
      client.resetAndDestroy();
      return;
    }
    this.relay(client, mode);
  }

  private draw(mode: { seed: number }): number {
    if (this.random?.seed !== mode.seed) this.random = { seed: mode.seed, next: seededRandom(mode.seed) };
    return this.random.next();
  }

  /** Connects upstream and forwards, shaping the upstream's answer as `mode` says. */
  private relay(client: net.Socket, mode: ConnectionMode): void {
    const upstream = net.connect({ host: this.upstreamHost, port: this.upstreamPort, allowHalfOpen: true });
    const timers = new Set<NodeJS.Timeout>();
    const cleanUp = () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', cleanUp);
    client.once('close', cleanUp);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    client.on('end', () => upstream.end());

    let sent = 0;
    let upstreamEnded = false;
    let dripping = false;
    const pending: Buffer[] = [];
    const flushEnd = () => {
      if (upstreamEnded && pending.length === 0 && !client.destroyed) client.end();
    };
    const later = (ms: number, fn: () => void) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    };

    const deliver = (chunk: Buffer) => {
      if (mode.mode === 'reset' || mode.mode === 'close') {
        const room = mode.afterBytes - sent;
        if (room > 0) client.write(chunk.subarray(0, room));
        sent += Math.max(0, Math.min(room, chunk.length));
        if (sent >= mode.afterBytes) {
          upstream.destroy();
          if (mode.mode === 'close') client.end();
          // An RST that lands together with the bytes before it reads as a plain EOF on Linux; as on
          // a real network, it arrives a moment after them.
          else if (sent === 0) client.resetAndDestroy();
          else later(RESET_AFTER_DATA_MS, () => client.resetAndDestroy());
        }
        return;
      }
      sent += chunk.length;
      client.write(chunk);
    };

    const dripOne = (everyMs: number) => {
      const head = pending[0];
      if (head === undefined) {
        dripping = false;
        flushEnd();
        return;
      }
      deliver(head.subarray(0, 1));
      if (head.length > 1) pending[0] = head.subarray(1);
      else pending.shift();
      later(everyMs, () => dripOne(everyMs));
    };

    upstream.on('data', (chunk: Buffer) => {
      if (mode.mode === 'drip') {
        const burst = Math.max(0, (mode.afterBytes ?? 0) - sent);
        if (burst > 0) deliver(chunk.subarray(0, burst));
        if (chunk.length <= burst) return;
        pending.push(chunk.subarray(burst));
        if (!dripping) {
          dripping = true;
          later(mode.everyMs, () => dripOne(mode.everyMs));
        }
      } else if (mode.mode === 'delay') {
        pending.push(chunk);
        // Only the first byte waits; once released, everything flows.
        if (sent === 0 && pending.length === 1) {
          later(mode.ms, () => {
            for (const part of pending.splice(0)) deliver(part);
            flushEnd();
          });
        } else if (sent > 0) {
          for (const part of pending.splice(0)) deliver(part);
        }
      } else {
        deliver(chunk);
      }
    });
    upstream.on('end', () => {
      upstreamEnded = true;
      flushEnd();
    });
  }
}
