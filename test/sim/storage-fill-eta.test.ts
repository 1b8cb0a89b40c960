// The fill-rate ETA over a working morning of virtual time: jaga in process watching a real 8 MiB tmpfs
// that the recording stations fill by 160 KiB each virtual minute while the gate allows; the rate, time
// to full, StorageFillingUp and the STORAGE_FILLING halt that follow, and how the forecast lets go once
// the writing stops.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GateAnswer } from '../helpers/jaga-process.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { etaMetric, readAlerts, readVolume, Stations, VOLUME, type VolumeView } from './storage-office.js';
import { World } from './world.js';

const KiB = 1024;
const MINUTE_MS = 60_000;
/** 160 KiB a minute (2730.7 B/s): from empty to full in 51 min; the ETA falls under halt_eta at minute 22. */
const CHUNK_BYTES = 160 * KiB;
const HALT_ETA_S = 30 * 60;
const FILL_WINDOW_MS = 20 * MINUTE_MS;
const RESUME_AFTER_MS = 2 * MINUTE_MS;
/** The default halt_ratio. */
const HALT_RATIO = 0.9;
/**
 * Monday 5 January 2026, 09:00 in Asia/Jakarta (the default time_zone and office_hours): the whole
 * scenario runs in working time, so the forecast's model and working-time room do not depend on the hour
 * the test happens to run at (outside working hours a fresh volume has only the linear model, and a disk
 * full before the office opens has no working time of room at all).
 */
const MONDAY_9 = Date.UTC(2026, 0, 5, 2);
/** One working day of the default office_hours (08:00-16:00). */
const WORKING_DAY_MS = 8 * 60 * MINUTE_MS;
const OPERATOR = 'ti@uji.go.id';
/** How far jaga's rate and ETA may be from the real ones: the line is fitted through whole-minute steps. */
const TOLERANCE = 0.02;

const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= TOLERANCE * Math.abs(expected), `${what}: ${actual}, expected ${expected} ± ${TOLERANCE * 100}%`);

describe('the fill-rate ETA on an 8 MiB tmpfs filled every virtual minute', () => {
  let volume: Tmpfs;
  let w: World;
  let stations: Stations;

  /** The time to full at the stations' real rate, from the available bytes jaga last saw. */
  const realEtaS = (v: VolumeView) => (v.avail_bytes ?? NaN) / stations.rateBytesPerSecond;
  const etaOf = (v: VolumeView) => v.full_eta_seconds ?? NaN;
  /** The gate once `predicate` holds, read every half minute of virtual time: cheaper than at every instant over an hour. */
  const gateWhen = async (predicate: (g: GateAnswer) => boolean, virtualMs: number, what: string): Promise<GateAnswer> => {
    let last: GateAnswer | undefined;
    await w.clock.until(async () => predicate((last = await w.gate())), { virtualMs, what, stepMs: MINUTE_MS / 2, describe: () => JSON.stringify(last) });
    return last as GateAnswer;
  };

  before(async () => {
    volume = mountTmpfs('size=8m');
    w = await World.create({
      // On a whole minute: the once-a-minute probes fall at :00 and the stations write at :30 on every run.
      startWallMs: MONDAY_9,
      config: ({ central, smtp }) => ({
        central: { schedule: '0 * * * * *', timeout: '500ms', targets: [{ name: 'pusat', type: 'http', url: central.url }] },
        storage: {
          schedule: '0 * * * * *',
          timeout: '500ms',
          volumes: [{ name: VOLUME, path: volume.dir, fill_window: `${FILL_WINDOW_MS}ms`, halt_eta: `${HALT_ETA_S}s`, require_mount_point: true }],
        },
        gate: { resume_after: `${RESUME_AFTER_MS}ms` },
        alerts: {
          smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
          recipients: [{ name: 'Operator', email: OPERATOR, role: 'operator', language: 'en' }],
        },
      }),
    });
    stations = new Stations(w, volume.dir, CHUNK_BYTES, MINUTE_MS, 30_000);
    await w.start();
    await w.waitForGate((g) => g.state === 'allowed', 3 * MINUTE_MS, 'the gate to open');
  });

  after(async () => {
    await stations?.stop();
    await w?.close();
    volume?.remove();
  });

  test('while the office records, jaga reports the real fill rate and a time to full that shortens as the disk fills', async () => {
    stations.record();
    await w.clock.until(async () => (await readVolume(w)).full_eta_seconds !== null, { virtualMs: 5 * MINUTE_MS, what: 'a fill rate', stepMs: MINUTE_MS });
    let previous: VolumeView | null = null;
    for (let checkpoint = 0; checkpoint < 3; checkpoint += 1) {
      await w.clock.advance(5 * MINUTE_MS);
      const v = await readVolume(w);
      near(v.fill_rate_bytes_per_second ?? NaN, -stations.rateBytesPerSecond, 'fill rate (B/s, negative while filling)');
      near(etaOf(v), realEtaS(v), 'full_eta_seconds');
      assert.ok(Math.abs((await etaMetric(w)) - etaOf(v)) < 1, 'jaga_volume_full_eta_seconds says the same');
      if (previous !== null) assert.ok(etaOf(v) < etaOf(previous), `the ETA shortens: ${etaOf(previous)} s, then ${etaOf(v)} s`);
      assert.equal((await w.gate()).state, 'allowed', `${etaOf(v)} s to full is not yet within halt_eta`);
      previous = v;
    }
  });

  test('StorageFillingUp warns (full within its 24h eta, for 10m) while recording is still allowed', async () => {
    const filling = (await readAlerts(w)).find((a) => a.name === 'StorageFillingUp');
    assert.equal(filling?.state, 'firing', JSON.stringify(filling));
    assert.equal(filling?.labels.volume, VOLUME);
    const pendingMs = Date.parse(filling?.firing_since ?? '') - Date.parse(filling?.active_since ?? '');
    assert.ok(pendingMs >= 10 * MINUTE_MS && pendingMs < 10 * MINUTE_MS + 2_000, `pending for ${pendingMs} ms, storage_filling.for is 10m`);
    // Its section, by its English title: HaltForecast fires earlier, so the email may be theirs together.
    await w.clock.until(() => w.smtp.received.some((m) => m.envelopeTo.includes(OPERATOR) && /Storage filling fast/.test(m.text ?? '')), {
      virtualMs: 5 * MINUTE_MS,
      what: 'the warning email',
    });
    assert.equal((await w.gate()).state, 'allowed');
  });

  test('the gate halts with STORAGE_FILLING when the volume will be full within halt_eta, long before halt_ratio', async () => {
    const gate = await gateWhen((g) => g.state === 'halted', 30 * MINUTE_MS, 'the halt');
    assert.deepEqual(gate.reasons.map((r) => r.code), ['STORAGE_FILLING'], 'nothing but the forecast halts it');
    const facts = gate.reasons[0]?.facts ?? {};
    const v = await readVolume(w);
    assert.equal(facts.haltEtaSeconds, HALT_ETA_S);
    near(facts.rateBytesPerSecond as number, -stations.rateBytesPerSecond, 'the rate the halt names');
    near(facts.etaSeconds as number, realEtaS(v), 'the time to full the halt names');
    // The first ETA under halt_eta, a minute of filling after the last one above it (a minute takes 60 s off).
    assert.ok((facts.etaSeconds as number) < HALT_ETA_S && (facts.etaSeconds as number) > HALT_ETA_S - 2 * 60, `etaSeconds ${facts.etaSeconds}`);
    // Halted where halt_eta of recording is left (4.69 MiB of 8: 41% used), give or take one minute's
    // recording: far from halt_ratio.
    const leftBytes = HALT_ETA_S * stations.rateBytesPerSecond;
    assert.ok(Math.abs((v.avail_bytes ?? NaN) - leftBytes) <= CHUNK_BYTES, `${v.avail_bytes} bytes left at the halt, expected ${leftBytes}`);
    assert.ok((v.used_ratio ?? NaN) < HALT_RATIO / 2, `used ratio ${v.used_ratio} at the halt`);
    await w.clock.until(() => stations.haltSeenAt !== null, { virtualMs: MINUTE_MS, what: 'the stations to see the halt' });
  });

  test('once the filling stops the gate reopens, the ETA lengthens, and once the working hours it learns from hold no writing it is gone (+Inf)', async () => {
    await stations.stop();
    const lastWriteAt = stations.lastWriteAt as number;
    const gate = await gateWhen((g) => g.state === 'allowed', RESUME_AFTER_MS + 5 * MINUTE_MS, 'the gate to reopen');
    assert.deepEqual(gate.reasons, []);
    const first = etaOf(await readVolume(w));
    let previous = first;
    while (w.clock.now() < lastWriteAt + FILL_WINDOW_MS - 5 * MINUTE_MS) {
      await w.clock.advance(5 * MINUTE_MS);
      const eta = etaOf(await readVolume(w));
      // The model's rate is the writing of the last working hours: quiet minutes dilute it, never add to it.
      assert.ok(eta >= previous, `with nothing written the ETA never shortens: ${previous} s, then ${eta} s`);
      previous = eta;
    }
    assert.ok(previous > first, `with nothing written the ETA lengthens: ${first} s, then ${previous} s`);
    // The fitted line forgets the filling after fill_window; the forecast remembers the working hours it
    // learns from, and lets go once none of them holds writing: within the working day.
    await w.clock.advance(FILL_WINDOW_MS);
    assert.equal((await readVolume(w)).fill_rate_bytes_per_second, 0, 'the filling has left fill_window');
    await w.clock.until(async () => (await readVolume(w)).full_eta_seconds === null, { virtualMs: WORKING_DAY_MS, what: 'the ETA to go', stepMs: 5 * MINUTE_MS });
    assert.equal(await etaMetric(w), Number.POSITIVE_INFINITY);
    assert.equal((await readAlerts(w)).find((a) => a.name === 'StorageFillingUp'), undefined, 'StorageFillingUp resolved');
  });

  test('when recording starts again the ETA comes back, and the gate halts again before the disk is full', async () => {
    stations.record();
    await w.clock.until(async () => (await readVolume(w)).full_eta_seconds !== null, { virtualMs: 3 * MINUTE_MS, what: 'the ETA to come back', stepMs: MINUTE_MS });
    // The window still holds the quiet minutes, so the rate looks slower than it is and the halt comes
    // later than the first one did; it still comes long before halt_ratio.
    const gate = await gateWhen((g) => g.state === 'halted', FILL_WINDOW_MS + 10 * MINUTE_MS, 'the second halt');
    assert.deepEqual(gate.reasons.map((r) => r.code), ['STORAGE_FILLING']);
    assert.ok((gate.reasons[0]?.facts.etaSeconds as number) < HALT_ETA_S);
    const v = await readVolume(w);
    assert.ok((v.used_ratio ?? NaN) < HALT_RATIO, `halted at ${v.used_ratio} used`);
  });
});
