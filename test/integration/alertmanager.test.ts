// The second alert channel against a real Alertmanager from Debian: jaga pushes its alerts with
// labels, startsAt and generatorURL while firing, and ends them when they resolve.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RealAlertmanager } from '../helpers/alertmanager.js';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess } from '../helpers/jaga-process.js';

let central: FakeCentral;
let alertmanager: RealAlertmanager;
let jaga: JagaProcess;

before(async () => {
  central = await FakeCentral.start();
  alertmanager = await RealAlertmanager.start();
  jaga = await JagaProcess.create({
    site: 'sampit',
    public_url: 'https://jaga.sampit.example.go.id/',
    central: fastCentral([httpTarget(central.url, 'pusat-api')], { failure_threshold: 2 }),
    storage: fastStorage([tempVolume()]),
    gate: { resume_after: '1s' },
    alerts: { alertmanager: { url: alertmanager.url } },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'allowed');
});

after(async () => {
  await jaga?.cleanup();
  await alertmanager?.stop();
  await central?.close();
});

const active = async () => (await alertmanager.alerts()).filter((a) => a.status.state === 'active');

test('an outage shows in Alertmanager with labels, times and a link back, and ends on recovery', async () => {
  await central.set('refuse');
  await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'halt');
  await jaga.waitFor(async () => (await active()).length >= 2, 15_000, 'alerts in Alertmanager');
  const alerts = await active();
  const names = alerts.map((a) => a.labels.alertname).sort();
  assert.deepEqual(names, ['CentralUnreachable', 'RecordingHalted']);
  for (const alert of alerts) {
    assert.equal(alert.labels.severity, 'critical');
    assert.equal(alert.labels.site, 'sampit');
    assert.equal(alert.generatorURL, 'https://jaga.sampit.example.go.id/');
    assert.ok(Date.parse(alert.startsAt) <= Date.now());
    assert.ok(Date.parse(alert.endsAt) > Date.now(), 'firing alerts end in the future');
    assert.ok((alert.annotations.summary ?? '').length > 0);
  }
  const metrics = await (await jaga.fetch('/metrics')).text();
  assert.match(metrics, /^jaga_notifications_total\{channel="alertmanager",result="sent"\} [1-9]/m);

  await central.set('ok');
  await jaga.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
  await jaga.waitFor(async () => (await active()).length === 0, 15_000, 'the alerts to end in Alertmanager');
});
