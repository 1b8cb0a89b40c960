// A real scrape of a running jaga's /metrics (every family on: targets, a volume, Alertmanager, a
// webhook action) passes `promtool check metrics` with exit 0 and no remark, as a user's CI runs it.
// Spawns jaga and Debian's promtool; loopback network only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { JagaProcess } from '../helpers/jaga-process.js';
import { freePort } from '../helpers/servers.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

let central: FakeCentral;
let receiver: WebhookReceiver;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  receiver = await WebhookReceiver.start();
  jaga = await JagaProcess.create({
    central: fastCentral([
      httpTarget(central.url, 'pusat-api'),
      { name: 'pusat-vpn', type: 'tcp', host: '127.0.0.1', port: await freePort() },
    ]),
    storage: fastStorage([tempVolume()]),
    alerts: { alertmanager: { url: `http://127.0.0.1:${await freePort()}` } },
    gate_actions: [{ type: 'webhook', url: receiver.url(), timeout: '1s', max_age: '1h' }],
  });
  await jaga.start(15_000, { JAGA_WEBHOOK_SECRET: 'rahasia-uji-0123456789' });
});

after(async () => {
  await jaga?.cleanup();
  await receiver?.close();
  await central?.close();
});

test('promtool check metrics on a live scrape: exit 0, nothing to remark', async () => {
  // A probe of each target has happened (phases and failures are written), so every family has series.
  await jaga.waitFor(async () => /^jaga_probe_duration_seconds_count\{target="pusat-vpn"\} [1-9]/m.test(await (await jaga.fetch('/metrics')).text()), 10_000, 'a probe of each target');
  const response = await jaga.fetch('/metrics');
  assert.equal(response.status, 200);
  const scrape = await response.text();
  const run = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, `cannot run promtool: ${String(run.error)}`);
  const said = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, said);
  assert.equal(said, '', 'no lint remark at all');
  assert.match(scrape, /^nodejs_active_handles\{/m, 'the per-type handles stay');
});
