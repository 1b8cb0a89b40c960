// A fake central server on 127.0.0.1 whose behaviour can be switched while jaga probes it:
// answer, 500, refuse (stop listening), blackhole (accept, never answer), reset mid-response,
// slow (answer after a delay), flap (alternate good and bad answers). Loopback network I/O.
import { once } from 'node:events';
import net from 'node:net';

export type CentralMode = 'ok' | 'error500' | 'refuse' | 'blackhole' | 'reset' | 'slow' | 'flap';

const OK_BODY = '{"status":"ok"}';

export class FakeCentral {
  private mode: CentralMode = 'ok';
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private flapCount = 0;
  /** Connections accepted, for tests that count them. */
  connections = 0;

  private constructor(
    readonly port: number,
    private readonly slowMs: number,
  ) {}

  static async start(slowMs = 5_000): Promise<FakeCentral> {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    probe.close();
    await once(probe, 'close');
    const central = new FakeCentral(port, slowMs);
    await central.listen();
    return central;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }

  async set(mode: CentralMode): Promise<void> {
    this.mode = mode;
    if (mode === 'refuse') {
      await this.unlisten();
    } else if (!this.server) {
      await this.listen();
    }
  }

  async close(): Promise<void> {
    await this.unlisten();
  }

  private async listen(): Promise<void> {
    const server = net.createServer((socket) => this.onConnection(socket));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server?.listening) {
      server.close();
      await once(server, 'close');
    }
  }

  private onConnection(socket: net.Socket): void {
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      seen = '';
      this.answer(socket);
    });
  }

  private answer(socket: net.Socket): void {
    const respond = (status: number, body: string) =>
      socket.end(`HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    switch (this.mode) {
      case 'ok':
        respond(200, OK_BODY);
        return;
      case 'error500':
        respond(500, '{"status":"error"}');
        return;
      case 'blackhole':
      case 'refuse':
        return;
      case 'reset':
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n{"sta`);
        setImmediate(() => socket.resetAndDestroy());
        return;
      case 'slow': {
        const timer = setTimeout(() => respond(200, OK_BODY), this.slowMs);
        socket.on('close', () => clearTimeout(timer));
        return;
      }
      case 'flap':
        this.flapCount += 1;
        if (this.flapCount % 2 === 0) respond(200, OK_BODY);
        else respond(503, '{"status":"maintenance"}');
        return;
    }
  }
}
