// Emails about the halt forecast and the buffer mode: HaltForecast says when recording will have to stop
// in people's words ("Kamis 10 Desember sekitar pukul 14.00 WIB, sekitar 3,5 hari kerja lagi"), why,
// which volume and model, and what to plan; CentralUnreachable while buffering says first that recording
// goes on on local disk and when it must stop. Both languages; Alertmanager annotations too. Pure rendering.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertAnnotations, renderNotification, type RenderContext } from '../../src/notifiers/render/render.js';
import { ALERT_SEVERITY } from '../../src/core/alerts/rules.js';
import type { Alert, AlertName, PlannedNotification } from '../../src/core/alerts/types.js';
import type { Gate } from '../../src/core/types.js';
import { catalogue } from '../../src/i18n/catalogue.js';
import { forecastClock, oneDecimal } from '../../src/i18n/format.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 7 Dec 2026 10.00 WIB */
const NOW = Date.UTC(2026, 11, 7, 3, 0);
/** Thursday 10 Dec 2026 14.07 WIB: told as "about 14.00", the earlier quarter hour. */
const THURSDAY = Date.UTC(2026, 11, 10, 7, 7);

function alert(name: AlertName, labels: Record<string, string>, values: Alert['values']): Alert {
  const severity = ALERT_SEVERITY[name];
  const extra = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  return { key: `${name}{${extra}}`, name, severity, labels: { alertname: name, severity, site: 'palangkaraya', ...labels }, state: 'firing', activeSince: NOW - MIN, firingSince: NOW - MIN, values };
}

/** As forecast-rules.ts writes it: 28 working hours of an 8-hour day left. */
const forecast = (values: Alert['values'] = {}, labels: Record<string, string> = { volume: 'rekaman' }) =>
  alert('HaltForecast', labels, {
    haltAt: THURSDAY,
    reason: 'STORAGE_CRITICAL',
    subject: 'rekaman',
    model: 'office_hours',
    workingSeconds: 28 * 3600,
    workingDays: 3.5,
    withinWorkingSeconds: 24 * 3600,
    ...values,
  });
/** As rules.ts writes CentralUnreachable while buffering. */
const unreachable = (values: Alert['values'] = {}) =>
  alert('CentralUnreachable', {}, {
    cause: 'central',
    downTargets: 'pusat-api',
    failure: 'timeout',
    lastSuccessAt: NOW - 2 * HOUR,
    bufferingSince: NOW - 2 * HOUR,
    bufferingEndsAt: THURSDAY,
    bufferingEndsWorkingSeconds: 28 * 3600,
    bufferingEndsWorkingDays: 3.5,
    ...values,
  });

const allowed = (o: Partial<Gate> = {}): Gate => ({
  state: 'allowed',
  mode: 'normal',
  buffering: null,
  forecast: { haltAt: THURSDAY, reason: 'STORAGE_CRITICAL', subject: 'rekaman', model: 'office_hours' },
  since: NOW - 10 * HOUR,
  reasons: [],
  overridden: [],
  clearSince: null,
  decidedAt: NOW,
  validUntil: NOW + 45_000,
  override: null,
  ...o,
});

const notification = (firing: Alert[]): PlannedNotification => ({ id: 'kabid#1#1', recipient: 'kabid@example.go.id', kind: 'firing', firing, resolved: [], at: NOW });

function ctx(o: Partial<RenderContext> = {}): RenderContext {
  return {
    site: 'palangkaraya',
    language: 'id',
    timeZone: 'Asia/Jakarta',
    publicUrl: null,
    contacts: { central: 'Helpdesk Pusat 021-111', local_it: 'Pak Budi 0812-333' },
    gate: allowed(),
    now: NOW,
    ...o,
  };
}

function at(text: string, fact: string): number {
  const index = text.indexOf(fact);
  assert.ok(index >= 0, `missing ${fact} in:\n${text}`);
  return index;
}

describe('HaltForecast: the department head hears on Monday that recording stops on Thursday', () => {
  const cases = [
    {
      language: 'id' as const,
      subject: '[jaga palangkaraya] PERINGATAN: Perekaman diperkirakan harus dihentikan',
      summary:
        'Perkiraan: perekaman harus dihentikan Kamis 10 Desember sekitar pukul 14.00 WIB, sekitar 3,5 hari kerja lagi, karena penyimpanan rekaman akan mencapai batas henti (halt_ratio).',
      facts: ['- Penyimpanan: rekaman', '- Model perkiraan: jam kerja kantor (office_hours), sampai pola mingguan dapat dipelajari'],
      step: [
        'Rencanakan sekarang, sebelum Kamis 10 Desember sekitar pukul 14.00 WIB: siapkan blangko surat keterangan pengganti sementara, beri tahu warga lebih awal, dan kosongkan ruang',
        'atau pastikan unggahan ke pusat berjalan.',
        'Hubungi TI setempat: Pak Budi 0812-333.',
      ],
    },
    {
      language: 'en' as const,
      subject: '[jaga palangkaraya] WARNING: Recording forecast to halt',
      summary:
        'Forecast: recording will have to stop on Thursday 10 December at about 14:00 WIB, about 3.5 working days from now, because volume rekaman will reach its halt line (halt_ratio).',
      facts: ['- Volume: rekaman', '- Forecast model: office hours (office_hours), until the weekly pattern can be learned'],
      step: [
        'Plan now, before Thursday 10 December at about 14:00 WIB: stock temporary substitute certificate forms, tell residents early, and free space',
        'or make sure uploads to central are running.',
        'Call local IT: Pak Budi 0812-333.',
      ],
    },
  ];
  for (const c of cases) {
    test(`${c.language}: when and why in plain words first, then which volume and model, then what to plan`, () => {
      const email = renderNotification(notification([forecast()]), 'Kabid PIAK', ctx({ language: c.language }));
      assert.equal(email.subject, c.subject);
      const summary = at(email.text, `\n${c.summary}\n`);
      for (const fact of c.facts) assert.ok(at(email.text, fact) > summary, fact);
      for (const step of c.step) assert.ok(at(email.text, step) > at(email.text, c.facts[1] ?? ''), step);
      assert.ok(email.html.includes(`font-weight:bold;">${c.summary}</p>`), 'the summary stands out in HTML');
    });
  }

  test('the end of buffering: why is the central server, and the plan is to get it back', () => {
    const email = renderNotification(notification([forecast({ reason: 'CENTRAL_UNREACHABLE', subject: 'central' }, {})]), 'x', ctx());
    at(email.text, 'karena server pusat belum terhubung dan ruang disk kantor untuk perekaman akan kurang dari buffer_min_hours jam kerja.');
    at(email.text, 'dan usahakan server pusat terhubung kembali agar rekaman terkirim.');
    assert.ok(!email.text.includes('- Penyimpanan:'), 'no volume: it is about the central server');
  });

  test('STORAGE_FILLING: the room under halt_eta', () => {
    const email = renderNotification(notification([forecast({ reason: 'STORAGE_FILLING', model: 'weekly' })]), 'x', ctx({ language: 'en' }));
    at(email.text, 'because volume rekaman will have less room left than halt_eta of working time.');
    at(email.text, "- Forecast model: weekly pattern, learned from this office's own use");
  });

  test('no model named: no model line', () => {
    const email = renderNotification(notification([forecast({ model: 'other' })]), 'x', ctx());
    assert.ok(!email.text.includes('Model perkiraan'));
    at(email.text, 'Perkiraan: perekaman harus dihentikan');
  });

  test('alertmanager annotations: the year too (they outlive the moment), the working days, the plan', () => {
    const a = alertAnnotations(forecast(), 'en', { contacts: { local_it: 'L' } });
    assert.equal(a.summary, 'Recording forecast to halt (rekaman)');
    assert.match(a.description ?? '', /^Forecast: recording will have to stop on Thursday 10 December 2026 at about 14:00 WIB, about 3\.5 working days from now, because volume rekaman/);
    assert.match(a.next_step ?? '', /^Plan now, before Thursday 10 December 2026 at about 14:00 WIB: stock temporary substitute certificate forms/);
  });
});

describe('the working time left and the time, in people\'s words', () => {
  const rows: { language: 'id' | 'en'; seconds: number; days: number | null; text: string }[] = [
    { language: 'id', seconds: 28 * 3600, days: 3.5, text: 'sekitar 3,5 hari kerja lagi' },
    { language: 'id', seconds: 8 * 3600, days: 1, text: 'sekitar 1,0 hari kerja lagi' },
    { language: 'id', seconds: 5.5 * 3600, days: 5.5 / 8, text: 'sekitar 5,5 jam kerja lagi' },
    { language: 'id', seconds: 3599, days: 3599 / 28_800, text: 'kurang dari 1 jam kerja lagi' },
    { language: 'id', seconds: 0, days: 0, text: 'kurang dari 1 jam kerja lagi' },
    // an office without working time has no working days: hours it is
    { language: 'id', seconds: 30 * 3600, days: null, text: 'sekitar 30,0 jam kerja lagi' },
    { language: 'en', seconds: 92 * 3600, days: 11.5, text: 'about 11.5 working days from now' },
    { language: 'en', seconds: 2.25 * 3600, days: 2.25 / 8, text: 'about 2.3 working hours from now' },
  ];
  for (const row of rows) {
    test(`${row.language} ${row.seconds} s (${row.days} days): ${row.text}`, () => {
      assert.equal(catalogue(row.language).forecast.left({ seconds: row.seconds, days: row.days }), row.text);
    });
  }

  test('rounded down to the quarter hour, in the zone; the year only outside this one', () => {
    const when = (at: number, now: number | undefined, zone = 'Asia/Jakarta') => catalogue('id').forecast.when(forecastClock(at, now, zone));
    assert.equal(when(THURSDAY, NOW), 'Kamis 10 Desember sekitar pukul 14.00 WIB');
    assert.equal(when(Date.UTC(2026, 11, 10, 7, 14, 59), NOW), 'Kamis 10 Desember sekitar pukul 14.00 WIB');
    assert.equal(when(Date.UTC(2026, 11, 10, 7, 15), NOW), 'Kamis 10 Desember sekitar pukul 14.15 WIB');
    assert.equal(when(THURSDAY, NOW, 'Asia/Makassar'), 'Kamis 10 Desember sekitar pukul 15.00 WITA');
    // Past local midnight in Jayapura: already Friday there.
    assert.equal(when(Date.UTC(2026, 11, 10, 15, 30), NOW, 'Asia/Jayapura'), 'Jumat 11 Desember sekitar pukul 00.30 WIT');
    assert.equal(when(Date.UTC(2027, 0, 4, 2, 0), NOW), 'Senin 4 Januari 2027 sekitar pukul 09.00 WIB');
    assert.equal(when(THURSDAY, undefined), 'Kamis 10 Desember 2026 sekitar pukul 14.00 WIB');
  });

  test('one decimal with the language\'s comma or point', () => {
    assert.equal(oneDecimal(3.45, 'id-ID'), '3,5');
    assert.equal(oneDecimal(1234.5, 'id-ID'), '1.234,5');
    assert.equal(oneDecimal(3.45, 'en-GB'), '3.5');
  });
});

describe('CentralUnreachable while buffering: recording goes on, and until when', () => {
  const buffering = allowed({ mode: 'buffering', buffering: { since: NOW - 2 * HOUR, roomWorkingSeconds: 40 * 3600, endsAt: THURSDAY } });
  const cases = [
    {
      language: 'id' as const,
      summary:
        'Perekaman tetap berjalan: rekaman disimpan di disk kantor dan dikirim ke pusat setelah server pusat terhubung kembali. Bila server pusat belum kembali, perekaman harus dihentikan Kamis 10 Desember sekitar pukul 14.00 WIB, sekitar 3,5 hari kerja lagi.',
      fact: '- Perekaman di disk kantor (mode penyangga) sejak 08.00 WIB',
      step: 'Perekaman boleh berjalan terus; jangan hapus rekaman di disk kantor. Masalah ada di server pusat, bukan di kantor. Hubungi pengelola server pusat: Helpdesk Pusat 021-111.',
    },
    {
      language: 'en' as const,
      summary:
        "Recording goes on: recordings are kept on the office's disk and sent to central once the central server is back. Unless the central server is back, recording will have to stop on Thursday 10 December at about 14:00 WIB, about 3.5 working days from now.",
      fact: '- Recording on the local disk (buffer mode) since 08:00 WIB',
      step: 'Recording may go on; do not delete recordings from the local disk. The problem is at the central server, not in the office. Call the central server team: Helpdesk Pusat 021-111.',
    },
  ];
  for (const c of cases) {
    test(`${c.language}: the department head's words before the numbers`, () => {
      const email = renderNotification(notification([unreachable()]), 'Kabid PIAK', ctx({ language: c.language, gate: buffering }));
      const summary = at(email.text, `\n${c.summary}\n`);
      assert.ok(at(email.text, c.fact) > summary);
      assert.ok(at(email.text, c.step) > at(email.text, c.fact));
    });
  }

  test('no end in sight: says the disk still has room', () => {
    const email = renderNotification(
      notification([unreachable({ bufferingEndsAt: null, bufferingEndsWorkingSeconds: null, bufferingEndsWorkingDays: null })]),
      'x',
      ctx({ gate: buffering }),
    );
    at(email.text, 'dikirim ke pusat setelah server pusat terhubung kembali. Ruang disk kantor masih cukup; belum terlihat kapan perekaman harus dihentikan.\n');
  });

  test('halting on central down (no buffering): none of it', () => {
    const { bufferingSince: _s, bufferingEndsAt: _e, bufferingEndsWorkingSeconds: _w, bufferingEndsWorkingDays: _d, ...plain } = unreachable().values;
    const email = renderNotification(notification([alert('CentralUnreachable', {}, plain)]), 'x', ctx());
    assert.ok(!email.text.includes('Perekaman tetap berjalan'));
    assert.ok(!email.text.includes('Perekaman boleh berjalan terus'));
    at(email.text, 'Masalah ada di server pusat, bukan di kantor.');
  });
});
