// Real loopback servers for probe tests: listen on port 0, count and track connections, close
// everything on the way out, and a listener that never accepts. Does network and process I/O.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

export interface RunningServer {
  readonly server: net.Server;
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: readonly net.Socket[];
  /** Resolves when every accepted connection has closed; rejects after `withinMs`. */
  allClosed(withinMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts `server` on an ephemeral loopback port and tracks its raw connections. */
export async function serve(server: net.Server, host = '127.0.0.1'): Promise<RunningServer> {
  const accepted: net.Socket[] = [];
  server.on('connection', (socket: net.Socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    server,
    host,
    port,
    accepted,
    allClosed: (withinMs) => allClosed(accepted, withinMs),
    async close() {
      for (const socket of accepted) socket.destroy();
      if (server.listening) {
        server.close();
        await once(server, 'close');
      }
    },
  };
}

async function allClosed(sockets: readonly net.Socket[], withinMs: number): Promise<void> {
  const signal = AbortSignal.timeout(withinMs);
  await Promise.all(sockets.filter((s) => !s.closed).map((s) => once(s, 'close', { signal })));
}

/** A loopback port with nobody listening (taken and released again). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface Unaccepting {
  readonly port: number;
  /** Sockets that filled the accept queue; further SYNs are dropped, so connects hang. */
  readonly fillers: readonly net.Socket[];
  close(): Promise<void>;
}

/**
 * A TCP port whose connects hang, on loopback: a child process listens with a tiny backlog and then
 * blocks its event loop, so nothing is ever accepted. Once the kernel's accept queue is full, new
 * SYNs are dropped, just as behind a firewall that drops packets.
 */
export async function startUnaccepting(): Promise<Unaccepting> {
  const script = `
    const s = require('node:net').createServer();
    s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      process.stdout.write(s.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const fillers: net.Socket[] = [];
  const close = async () => {
    for (const socket of fillers) socket.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  };
  try {
    const [chunk] = (await once(child.stdout, 'data', { signal: AbortSignal.timeout(5000) })) as [Buffer];
    const port = Number.parseInt(chunk.toString(), 10);
    // Connect until one attempt hangs: then the queue is provably full.
    for (let i = 0; i < 16; i++) {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.on('error', () => undefined);
      fillers.push(socket);
      const connected = await Promise.race([
        once(socket, 'connect').then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, 300, false)),
      ]);
      if (!connected) return { port, fillers, close };
    }
    throw new Error('the accept queue never filled');
  } catch (error) {
    await close();
    throw error;
  }
}
