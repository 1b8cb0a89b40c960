// A real TLS-terminating nginx on 127.0.0.1 in front of one upstream, configured as the README advises
// (X-Forwarded-For appended, X-Forwarded-Proto, Host passed on). Process and file I/O in its own temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyPair } from './certs.js';
import { freePort } from './servers.js';
import { waitFor } from './wait.js';

export const NGINX = '/usr/sbin/nginx';

export interface RunningNginx {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Stops nginx and removes its directory. */
  stop(): Promise<void>;
}

function config(dir: string, port: number, upstream: string): string {
  const path = (name: string) => join(dir, name);
  // When the master runs as root its workers would switch to nobody, who cannot enter our 0700 temp dir.
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  return `${user}
worker_processes 1;
error_log ${path('error.log')} info;
events { worker_connections 256; }
http {
  access_log ${path('access.log')};
  client_body_temp_path ${path('body')};
  proxy_temp_path ${path('proxy')};
  fastcgi_temp_path ${path('fastcgi')};
  uwsgi_temp_path ${path('uwsgi')};
  scgi_temp_path ${path('scgi')};
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${path('tls.pem')};
    ssl_certificate_key ${path('tls.key')};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # As most guides write it: $host drops the port the browser used (jaga's origin check allows for it).
      proxy_set_header Host $host;
    }
  }
}
`;
}

/**
 * Starts nginx (in the foreground, as a child) proxying https://127.0.0.1:<port>/ to `upstream`, and
 * resolves once it accepts connections. A shell stands between: it stops nginx as soon as our end of its
 * stdin closes, so nginx also goes away when the test process is killed and cannot clean up.
 */
export async function startNginx(tls: KeyPair, upstream: string): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'jaga-nginx-'));
  const port = await freePort();
  writeFileSync(join(dir, 'tls.pem'), tls.cert);
  writeFileSync(join(dir, 'tls.key'), tls.key, { mode: 0o600 });
  writeFileSync(join(dir, 'nginx.conf'), config(dir, port, upstream));
  // A background job's stdin is /dev/null unless redirected, hence fd 3 for the watcher.
  const script = [
    'exec 3<&0',
    `${NGINX} -p "$1" -c "$1/nginx.conf" -e "$1/error.log" -g "daemon off; pid $1/nginx.pid;" </dev/null &`,
    'nginx=$!',
    '(cat <&3 >/dev/null; kill -QUIT $nginx 2>/dev/null) &',
    'exec 3<&-',
    'wait $nginx',
  ].join('\n');
  const child: ChildProcess = spawn('sh', ['-c', script, 'nginx', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const log = () => `${stderr}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : ''}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => accepts(port), 10_000, 'nginx to listen', {
      everyMs: 50,
      hopeless: () => (child.exitCode !== null ? `nginx exited (${child.exitCode})` : null),
      context: log,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `https://127.0.0.1:${port}`, port, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
