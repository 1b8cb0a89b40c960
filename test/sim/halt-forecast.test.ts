// The halt forecast and the buffer mode, end to end on virtual time: jaga in process watching a real
// 8 MiB tmpfs that the recording stations fill by 16 KiB a minute from Monday 09.00 WIB. The forecast
// appears in GET /api/v1/gate and /api/v1/status with the model that answered and a sentence in people's
// words, matches the halt the stations' rate and the working week give, is in the metrics and in
// `jaga status`; the department head gets HaltForecast by email; when the central server goes away under
// `on_central_down: buffer`, recording goes on, the gate says `buffering` and until when, the public page
// says recording continues, and the CentralUnreachable email says when buffering must stop.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/cli.js';
import type { ReceivedMail } from '../helpers/smtp-server.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';
import { Stations, VOLUME } from './storage-office.js';
import { World } from './world.js';

const KiB = 1024;
const MINUTE_MS = 60_000;
/** Monday 7 Dec 2026 09.00 WIB: inside the default office hours (Monday-Friday 08.00-16.00). */
const MONDAY_9 = Date.UTC(2026, 11, 7, 2, 0);
/** 16 KiB a minute: 0.94 MiB an hour, so halt_ratio (90% of 8 MiB) is most of a working day away. */
const CHUNK_BYTES = 16 * KiB;
const HALT_RATIO = 0.9;
const KABID = 'kabid@uji.go.id';
const OPERATOR = 'ti@uji.go.id';
/** How far the forecast halt may be from the one the stations' real rate gives, in working time. */
const TOLERANCE = 0.05;

interface ForecastAnswer {
  halt_at: string | null;
  reason: string | null;
  subject: string | null;
  model: string | null;
  message: string | null;
}

interface GateWithForecast {
  state: 'allowed' | 'halted';
  mode: 'normal' | 'buffering';
  buffering: { since: string; room_working_hours: number | null; ends_at: string | null } | null;
  forecast: ForecastAnswer;
}

interface VolumeWithForecast {
  name: string;
  avail_bytes: number | null;
  size_bytes: number | null;
  used_bytes: number | null;
  forecast: { model: string; halt_at: string | null; floor_at: string | null; full_at: string | null; room_working_hours: number | null } | null;
}

describe('the halt forecast and the buffer mode, an office filling a real tmpfs on virtual time', () => {
  let volume: Tmpfs;
  let w: World;
  let stations: Stations;

  const gate = async (): Promise<GateWithForecast> => (await w.gate()) as unknown as GateWithForecast;
  const rekaman = async (): Promise<VolumeWithForecast> => {
    const body = (await (await w.adminFetch('/api/v1/status')).json()) as { volumes: VolumeWithForecast[] };
    const found = body.volumes.find((v) => v.name === VOLUME);
    assert.ok(found, 'the volume in /api/v1/status');
    return found;
  };
  const metric = async (line: RegExp): Promise<number> => {
    const value = line.exec(await (await w.fetch('/metrics')).text())?.[1];
    assert.ok(value !== undefined, `no ${line} in /metrics`);
    return value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value);
  };
  const mailTo = (address: string, subject: RegExp): ReceivedMail | undefined =>
    w.smtp.received.find((m) => m.envelopeTo.includes(address) && subject.test(m.subject ?? ''));

  before(async () => {
    volume = mountTmpfs('size=8m');
    w = await World.create({
      startWallMs: MONDAY_9,
      config: ({ central, smtp }) => ({
        central: { schedule: '0 * * * * *', timeout: '500ms', targets: [{ name: 'pusat', type: 'http', url: central.url }] },
        storage: {
          schedule: '0 * * * * *',
          timeout: '500ms',
          // halt_eta short: the halt line (90%) comes long before "full within halt_eta".
          volumes: [{ name: VOLUME, path: volume.dir, fill_window: '20m', halt_eta: '10m', require_mount_point: true }],
        },
        gate: { on_central_down: 'buffer', buffer_min_hours: 1, resume_after: '2m' },
        alerts: {
          smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
          // The department head keeps the default min_severity (critical): HaltForecast reaches them all the same.
          recipients: [
            { name: 'Kabid PIAK', email: KABID, role: 'department_head' },
            { name: 'Operator', email: OPERATOR, role: 'operator', language: 'en' },
          ],
        },
      }),
    });
    stations = new Stations(w, volume.dir, CHUNK_BYTES, MINUTE_MS, 30_000);
    await w.start();
    await w.waitForGate((g) => g.state === 'allowed', 3 * MINUTE_MS, 'the gate to open');
    stations.record();
  });

  after(async () => {
    await stations?.stop();
    await w?.close();
    volume?.remove();
  });

  test('the gate and the volume carry a forecast by the office-hours model that matches the stations\' rate', async () => {
    // Until 10.30: the 10.00 hour is all recording, and the office-hours model answers (not the linear fallback).
    await w.clock.until(() => w.clock.now() >= MONDAY_9 + 90 * MINUTE_MS, { virtualMs: 95 * MINUTE_MS, what: '10.30', stepMs: 5 * MINUTE_MS });
    const g = await gate();
    const v = await rekaman();
    assert.equal(g.state, 'allowed');
    assert.equal(g.mode, 'normal');
    assert.equal(g.buffering, null);
    assert.deepEqual({ reason: g.forecast.reason, subject: g.forecast.subject, model: g.forecast.model }, { reason: 'STORAGE_CRITICAL', subject: VOLUME, model: 'office_hours' });
    assert.equal(v.forecast?.model, 'office_hours');
    assert.equal(v.forecast?.halt_at, g.forecast.halt_at, 'the gate\'s forecast is the volume\'s halt');
    // The truth: what is left above the halt line, at the stations' rate, in the office's working hours.
    const total = (v.used_bytes ?? NaN) + (v.avail_bytes ?? NaN);
    const leftBytes = (v.avail_bytes ?? NaN) - total * (1 - HALT_RATIO);
    const leftWorkingMs = (leftBytes / CHUNK_BYTES) * MINUTE_MS;
    const now = w.clock.now();
    const forecastWorkingMs = DEFAULT_OFFICE_CALENDAR.workingMsBetween(now, Date.parse(g.forecast.halt_at ?? ''));
    assert.ok(
      Math.abs(forecastWorkingMs - leftWorkingMs) <= TOLERANCE * leftWorkingMs,
      `forecast ${forecastWorkingMs / 3_600_000} working hours ahead, the stations' rate says ${leftWorkingMs / 3_600_000}`,
    );
    // Past 16.00 the office is closed: the halt falls on Tuesday morning, not Monday evening.
    assert.ok(leftWorkingMs > 5.5 * 3_600_000, `${leftWorkingMs} ms of recording left`);
    assert.match(g.forecast.halt_at ?? '', /^2026-12-08T0[1-3]:/, 'Tuesday 8 December, early in the working day');
    assert.match(
      g.forecast.message ?? '',
      /^perkiraan: perekaman harus dihentikan Selasa 8 Desember sekitar pukul (08|09|10)\.(00|15|30|45) WIB, sekitar \d,\d jam kerja lagi, karena penyimpanan rekaman akan mencapai batas henti \(halt_ratio\)$/,
    );
    assert.ok((v.forecast?.room_working_hours ?? 0) * 3_600_000 > forecastWorkingMs, 'full comes after the halt line');
  });

  test('the metrics say the same: the gate\'s and the volume\'s forecast halt, not buffering', async () => {
    const g = await gate();
    const haltS = Date.parse(g.forecast.halt_at ?? '') / 1000;
    assert.ok(Math.abs((await metric(/^jaga_gate_halt_forecast_timestamp_seconds (\S+)$/m)) - haltS) < 1);
    assert.ok(Math.abs((await metric(new RegExp(`^jaga_volume_halt_forecast_timestamp_seconds\\{volume="${VOLUME}"\\} (\\S+)$`, 'm'))) - haltS) < 1);
    assert.equal(await metric(/^jaga_recording_buffering (\S+)$/m), 0);
  });

  test('jaga status says it too: the gate\'s forecast in people\'s words with its model, the volume\'s with its own', async () => {
    const lines: string[] = [];
    const code = await runCli(['status', '--url', w.url, '--lang', 'en'], {}, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
    const shown = lines.join('\n');
    assert.equal(code, 0, shown);
    assert.match(shown, /^Forecast: recording will have to stop on Tuesday 8 December at about \d\d:\d\d WIB, about \d\.\d working hours from now, because volume rekaman will reach its halt line \(halt_ratio\)$/m);
    assert.match(shown, /^ {2}forecast model: office hours \(office_hours\), until the weekly pattern can be learned$/m);
    assert.match(shown, /^ {31}office hours \(office_hours\), until the weekly pattern can be learned: halt line 2026-12-08T\S+, room for about \d+\.\d working hours$/m);
  });

  test('the department head got HaltForecast by email: when, why, which volume, what to plan', async () => {
    const mail = mailTo(KABID, /Perekaman diperkirakan harus dihentikan/);
    assert.ok(mail, `no HaltForecast for the department head among ${w.smtp.received.map((m) => `${m.envelopeTo.join()}: ${m.subject}`).join('; ')}`);
    assert.match(mail.subject ?? '', /^\[jaga [^\]]+\] PERINGATAN: Perekaman diperkirakan harus dihentikan/);
    const text = mail.text ?? '';
    // Sent within minutes of the first forecast, by the linear fallback then (a few minutes of samples):
    // its steeper first slope may see "full within halt_eta" before the halt line.
    assert.match(
      text,
      /\nPerkiraan: perekaman harus dihentikan (Senin 7|Selasa 8) Desember sekitar pukul \d\d\.\d\d WIB, sekitar \d,\d jam kerja lagi, karena (penyimpanan rekaman akan mencapai batas henti \(halt_ratio\)|ruang penyimpanan rekaman akan tersisa kurang dari batas waktu kerja halt_eta)\.\n/,
    );
    assert.match(text, /- Penyimpanan: rekaman\n/);
    assert.match(text, /- Model perkiraan: /);
    assert.match(text, /siapkan blangko surat keterangan pengganti sementara, beri tahu warga lebih awal/);
    assert.ok(mailTo(OPERATOR, /Recording forecast to halt/), 'the operator got it too, in English');
  });

  test('central unreachable under on_central_down: buffer: recording goes on, buffering, until when', async () => {
    await w.central.set('refuse');
    let g = await gate();
    await w.clock.until(async () => (g = await gate()).mode === 'buffering', { virtualMs: 3 * MINUTE_MS, what: 'buffer mode', stepMs: 5_000 });
    assert.equal(g.state, 'allowed', 'recording goes on');
    assert.ok(g.buffering !== null);
    assert.ok(Date.parse(g.buffering.since) <= w.clock.now());
    assert.ok((g.buffering.room_working_hours ?? 0) > 1, `room ${g.buffering.room_working_hours} working hours`);
    // buffer_min_hours (1 working hour) before full: that, not the halt line, is now the earliest halt.
    assert.equal(g.buffering.ends_at, g.forecast.halt_at);
    assert.deepEqual({ reason: g.forecast.reason, subject: g.forecast.subject }, { reason: 'CENTRAL_UNREACHABLE', subject: 'central' });
    const endsWorkingMs = DEFAULT_OFFICE_CALENDAR.workingMsBetween(Date.parse(g.buffering.ends_at ?? ''), Date.parse((await rekaman()).forecast?.full_at ?? ''));
    assert.ok(Math.abs(endsWorkingMs - 3_600_000) <= 60_000, `buffering ends ${endsWorkingMs} working ms before full`);
    assert.equal(await metric(/^jaga_recording_buffering (\S+)$/m), 1);
    const page = await (await w.fetch('/')).text();
    assert.match(page, /<p class="buffering">Perekaman tetap berjalan seperti biasa\. Sambungan ke server pusat sedang terganggu; data rekaman Anda tersimpan aman di kantor ini dan dikirim ke server pusat setelah sambungan pulih\.<\/p>/);
  });

  test('the CentralUnreachable email says recording goes on and when it must stop, the department head\'s words first', async () => {
    let mail: ReceivedMail | undefined;
    await w.clock.until(() => (mail = mailTo(KABID, /Server pusat tidak dapat dihubungi/)) !== undefined, { virtualMs: 7 * MINUTE_MS, what: 'the CentralUnreachable email', stepMs: 15_000 });
    const text = mail?.text ?? '';
    const summary = text.search(/\nPerekaman tetap berjalan: rekaman disimpan di disk kantor dan dikirim ke pusat setelah server pusat terhubung kembali\. Bila server pusat belum kembali, perekaman harus dihentikan (Senin 7|Selasa 8) Desember sekitar pukul \d\d\.\d\d WIB, sekitar \d,\d jam kerja lagi\.\n/);
    assert.ok(summary >= 0, text);
    assert.ok(text.indexOf('- Penyebab:') > summary, 'the numbers after the words');
    assert.match(text, /Perekaman boleh berjalan terus; jangan hapus rekaman di disk kantor\./);
  });

  test('central back: normal mode again, nothing buffering', async () => {
    await w.central.set('ok');
    let g = await gate();
    await w.clock.until(async () => (g = await gate()).mode === 'normal', { virtualMs: 3 * MINUTE_MS, what: 'normal mode', stepMs: 5_000 });
    assert.equal(g.buffering, null);
    assert.equal(g.forecast.reason, 'STORAGE_CRITICAL');
    assert.equal(await metric(/^jaga_recording_buffering (\S+)$/m), 0);
    assert.doesNotMatch(await (await w.fetch('/')).text(), /class="buffering"/);
  });
});
