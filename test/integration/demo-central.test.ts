// The demo's central server (deploy/demo-central.mjs, run by `npm start` and docker compose): a taken
// port is one line and exit 3, not a stack trace; with --exit-with-stdin it dies with the process that
// started it, SIGKILL included, so no orphan holds the port for the next `npm start`. Process and loopback I/O.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

const DEMO_CENTRAL = fileURLToPath(new URL('../../deploy/demo-central.mjs', import.meta.url));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('demo central server', () => {
  test('its port already taken: one line naming the address, exit 3, no stack trace', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const central = spawn(process.execPath, [DEMO_CENTRAL, String(port), '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      central.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(central, 'exit')) as [number | null];
      assert.equal(code, 3, stderr);
      assert.equal(stderr, `demo central server: cannot listen on 127.0.0.1:${port} (EADDRINUSE)\n`);
    } finally {
      blocker.close();
    }
  });

  test('with --exit-with-stdin it exits when the process that started it is SIGKILLed', async () => {
    const port = await freePort();
    // A stand-in for `npm start`: starts the central with a stdin pipe, says its pid, then waits.
    const parentScript = `
      const central = require('node:child_process').spawn(process.execPath, [${JSON.stringify(DEMO_CENTRAL)}, '${port}', '127.0.0.1', '--exit-with-stdin'], { stdio: ['pipe', 'ignore', 'inherit'] });
      process.stdout.write(central.pid + '\\n');
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
    const centralPid = Number.parseInt(chunk.toString(), 10);
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0)) === 200, 10_000, 'the central to answer');
    } finally {
      parent.kill('SIGKILL');
    }
    await once(parent, 'exit');
    try {
      await waitFor(() => !alive(centralPid), 5_000, 'the central to exit with its parent');
    } finally {
      if (alive(centralPid)) process.kill(centralPid, 'SIGKILL');
    }
  });
});
