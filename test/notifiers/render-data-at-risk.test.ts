// Emails about the data at risk (BacklogWarning, BacklogCritical, UploadStalled,
// BacklogSourceUnavailable): the department head's words first ("12.345 rekaman belum terkirim ke
// pusat, ..."), then the numbers, then what to do and whom to call, in both languages. Pure rendering.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertAnnotations, renderNotification, type RenderContext } from '../../src/notifiers/render/render.js';
import { dayAndTime } from '../../src/notifiers/render/facts.js';
import { ALERT_SEVERITY } from '../../src/core/alerts/rules.js';
import type { Alert, AlertName, PlannedNotification } from '../../src/core/alerts/types.js';
import type { Gate, Reason } from '../../src/core/types.js';
import { catalogue } from '../../src/i18n/catalogue.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 30 Nov 2026 10.20 WIB */
const NOW = Date.UTC(2026, 10, 30, 3, 20);
/** Saturday 28 Nov 2026 08.12 WIB */
const SATURDAY = Date.UTC(2026, 10, 28, 1, 12);
const GiB = 2 ** 30;

function alert(name: AlertName, labels: Record<string, string>, values: Alert['values'], since = NOW - HOUR): Alert {
  const severity = ALERT_SEVERITY[name];
  const extra = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  return { key: `${name}{${extra}}`, name, severity, labels: { alertname: name, severity, site: 'palangkaraya', ...labels }, state: 'firing', activeSince: since, firingSince: since, values };
}

/** As data-at-risk-rules.ts writes them. */
const stalled = (values: Alert['values'] = {}) =>
  alert('UploadStalled', { heartbeat: 'unggah' }, { lastPingAt: NOW - 3 * DAY, watchedSince: NOW - 10 * DAY, graceSeconds: 1800, itemsWaiting: 12_345, oldestAt: SATURDAY, halts: true, ...values });
const critical = (values: Alert['values'] = {}) =>
  alert('BacklogCritical', { source: 'spool' }, {
    items: 12_345,
    bytes: 1.5 * GiB,
    oldestAt: SATURDAY,
    oldestAgeSeconds: (NOW - SATURDAY) / 1000,
    limit: 'halt_items',
    limitValue: 10_000,
    unavailable: false,
    failure: null,
    lastUploadAt: NOW - 3 * DAY,
    ...values,
  });
const warning = (values: Alert['values'] = {}) =>
  alert('BacklogWarning', { source: 'spool' }, { items: 40, bytes: null, oldestAt: NOW - 26 * HOUR, oldestAgeSeconds: 26 * 3600, limit: 'warn_oldest_age', limitValue: 86_400, ...values });
const unavailable = (values: Alert['values'] = {}) =>
  alert('BacklogSourceUnavailable', { source: 'sync' }, { failure: 'bad_output', detail: 'Unexpected token < in JSON\r\nBcc: x', items: 1_234, lastReadAt: NOW - 2 * HOUR, ...values });
const halted = () => alert('RecordingHalted', {}, { reasons: 'UPLOAD_STALLED', since: NOW - HOUR, override: null, overrideBy: null });

function gate(reasons: Reason[] = [{ code: 'UPLOAD_STALLED', subject: 'unggah', since: NOW - HOUR, facts: { lastPingAt: NOW - 3 * DAY, graceSeconds: 1800, itemsWaiting: 12_345 } }]): Gate {
  return { state: 'halted', mode: 'normal', buffering: null, forecast: null, since: NOW - HOUR, reasons, overridden: [], clearSince: null, decidedAt: NOW, validUntil: NOW + 45_000, override: null };
}

const notification = (firing: Alert[]): PlannedNotification => ({ id: 'kabid#1#1', recipient: 'kabid@example.go.id', kind: 'firing', firing, resolved: [], at: NOW });

function ctx(o: Partial<RenderContext> = {}): RenderContext {
  return {
    site: 'palangkaraya',
    language: 'id',
    timeZone: 'Asia/Jakarta',
    publicUrl: null,
    contacts: { central: 'Helpdesk Pusat 021-111', local_it: 'Pak Budi 0812-333' },
    gate: gate(),
    now: NOW,
    ...o,
  };
}

function at(text: string, fact: string): number {
  const index = text.indexOf(fact);
  assert.ok(index >= 0, `missing ${fact} in:\n${text}`);
  return index;
}

describe('uploads stall while central answers: the department head\'s email', () => {
  const cases = [
    {
      language: 'id' as const,
      subject: '[jaga palangkaraya] KRITIS: Perekaman KTP-el dihentikan +1 lainnya',
      title: '■ Unggahan ke pusat macet',
      summary: '12.345 rekaman belum terkirim ke pusat, yang tertua sejak Sabtu 08.12 WIB; unggahan terakhir berhasil 3 hari lalu.',
      facts: ['- Sinyal unggah (heartbeat): unggah', '- Tenggang: 30 menit tanpa unggahan berhasil', '- Unggahan macet menghentikan perekaman di kantor ini.'],
      step: [
        'Periksa aplikasi pengunggah di komputer perekaman dan layanan sinkronisasi',
        'jangan hapus rekaman maupun folder antrean (spool)',
        'Hubungi TI setempat: Pak Budi 0812-333. Bila aplikasinya berjalan tetapi kiriman tetap gagal, hubungi pengelola server pusat: Helpdesk Pusat 021-111.',
      ],
    },
    {
      language: 'en' as const,
      subject: '[jaga palangkaraya] CRITICAL: e-KTP recording halted +1 more',
      title: '■ Uploads to central stalled',
      summary: '12,345 recordings not yet sent to the central server, the oldest since Saturday 08:12 WIB; last successful upload 3 d ago.',
      facts: ['- Upload heartbeat: unggah', '- Grace: 30 min without a successful upload', '- Stalled uploads halt recording at this office.'],
      step: [
        'Check the upload application on the recording computers and the sync service',
        'do not delete recordings or the upload queue (spool) folder',
        'Call local IT: Pak Budi 0812-333. If the application runs but uploads still fail, call the central server team: Helpdesk Pusat 021-111.',
      ],
    },
  ];
  for (const c of cases) {
    test(`${c.language}: the halt first, then in plain words what waits and since when, the numbers, what to do`, () => {
      const email = renderNotification(notification([stalled(), halted()]), 'Kabid PIAK', ctx({ language: c.language }));
      assert.equal(email.subject, c.subject);
      const text = email.text;
      const title = at(text, c.title);
      // The halt (RecordingHalted) is read before the stall that caused it.
      assert.ok(at(text, c.language === 'id' ? 'Hentikan perekaman KTP-el' : 'Stop e-KTP recording') < title);
      const summary = at(text, `\n${c.summary}\n`);
      assert.ok(title < summary);
      for (const fact of c.facts) assert.ok(at(text, fact) > summary, fact);
      for (const step of c.step) assert.ok(at(text, step) > at(text, c.facts[2] ?? ''), step);
      assert.ok(email.html.includes(`font-weight:bold;">${c.summary}</p>`), 'the summary stands out in HTML');
      for (const step of c.step) assert.ok(email.html.includes(step), `html misses ${step}`);
    });
  }

  test('never pinged, no backlog source, not halting: says so, no invented numbers', () => {
    const email = renderNotification(notification([stalled({ lastPingAt: null, itemsWaiting: null, oldestAt: null, halts: false })]), 'x', ctx({ gate: gate([]) }));
    at(email.text, '\nBelum ada unggahan berhasil yang tercatat.\n');
    at(email.text, '- Unggahan macet tidak menghentikan perekaman di kantor ini; hanya peringatan.');
    assert.ok(!email.text.includes('rekaman belum terkirim'));
  });

  test('no central contact configured: local IT, then central by role', () => {
    const email = renderNotification(notification([stalled()]), 'x', ctx({ contacts: { local_it: 'L' } }));
    at(email.text, 'Hubungi TI setempat: L. Bila aplikasinya berjalan tetapi kiriman tetap gagal, hubungi pengelola server pusat.');
  });
});

describe('backlog over its limits', () => {
  test('id: BacklogCritical by items, its size, its age and the halt limit', () => {
    const email = renderNotification(notification([critical()]), 'x', ctx({ gate: gate([]) }));
    assert.equal(email.subject, '[jaga palangkaraya] KRITIS: Terlalu banyak rekaman belum terkirim');
    const summary = at(email.text, '\n12.345 rekaman belum terkirim ke pusat, yang tertua sejak Sabtu 08.12 WIB; unggahan terakhir berhasil 3 hari lalu.\n');
    for (const fact of ['- Antrean unggah: spool', '- Ukuran yang menunggu: 1.5 GiB', '- Rekaman tertua menunggu: 2 hari 2 jam', '- Batas henti: 10.000 rekaman']) {
      assert.ok(at(email.text, fact) > summary, fact);
    }
    at(email.text, 'Periksa sekarang aplikasi pengunggah dan layanan sinkronisasi');
  });

  test('en: a bytes limit and no heartbeat configured (nothing said about uploads)', () => {
    const { lastUploadAt: _none, ...values } = critical({ limit: 'halt_bytes', limitValue: 10 * GiB }).values;
    const email = renderNotification(notification([alert('BacklogCritical', { source: 'spool' }, values)]), 'x', ctx({ language: 'en', gate: gate([]) }));
    at(email.text, '\n12,345 recordings not yet sent to the central server, the oldest since Saturday 08:12 WIB.\n');
    at(email.text, '- Halt limit: 10.0 GiB');
    assert.ok(!email.text.includes('last successful upload'));
  });

  test('a source that cannot be read halts (halt_when_unavailable): says that, and to check the source', () => {
    const values = { items: 40, bytes: null, oldestAt: null, oldestAgeSeconds: null, limit: null, limitValue: null, unavailable: true, failure: 'timeout' };
    const email = renderNotification(notification([alert('BacklogCritical', { source: 'spool' }, values)]), 'x', ctx({ gate: gate([]) }));
    at(email.text, 'jaga tidak dapat membaca berapa rekaman yang belum terkirim ke pusat, dan kantor ini diatur untuk berhenti merekam bila begitu; terakhir terbaca 40 rekaman.');
    at(email.text, '- Masalah: tidak menjawab dalam batas waktu');
    at(email.text, 'Periksa sumber antrean di server lokal');
    assert.ok(!email.text.includes('Jenis kegagalan'), 'a backlog failure is not worded as a central target\'s');
  });

  for (const c of [
    { language: 'id' as const, summary: '40 rekaman belum terkirim ke pusat, yang tertua sejak Minggu 08.20 WIB.', limit: '- Batas peringatan: rekaman tertua menunggu 1 hari', step: 'Hari ini, periksa aplikasi pengunggah' },
    { language: 'en' as const, summary: '40 recordings not yet sent to the central server, the oldest since Sunday 08:20 WIB.', limit: '- Warning limit: oldest recording waiting 1 d', step: 'Today, check the upload application' },
  ]) {
    test(`${c.language}: BacklogWarning by age`, () => {
      const email = renderNotification(notification([warning()]), 'x', ctx({ language: c.language, gate: { ...gate([]), state: 'allowed' } }));
      at(email.text, `\n${c.summary}\n`);
      at(email.text, c.limit);
      at(email.text, c.step);
    });
  }
});

describe('a backlog source jaga cannot read', () => {
  test('id: what is unknown, the last count, the failure, the detail on one line; local IT only', () => {
    const email = renderNotification(notification([unavailable()]), 'x', ctx({ gate: { ...gate([]), state: 'allowed' } }));
    assert.equal(email.subject, '[jaga palangkaraya] PERINGATAN: Antrean unggah tidak terbaca');
    at(email.text, '\njaga tidak dapat membaca antrean unggah, jadi tidak tahu berapa rekaman yang belum terkirim ke pusat; terakhir terbaca 1.234 rekaman (08.20 WIB).\n');
    at(email.text, '- Masalah: jawabannya tidak dapat dipahami');
    at(email.text, '- Keterangan: Unexpected token < in JSON Bcc: x');
    at(email.text, 'Jangan hapus folder antrean. Hubungi TI setempat: Pak Budi 0812-333.');
    assert.ok(!email.text.includes('Helpdesk Pusat'));
    assert.ok(!/^Bcc:/m.test(email.text));
    assert.ok(email.html.includes('Unexpected token &lt; in JSON'));
  });

  test('en: never read successfully', () => {
    const email = renderNotification(notification([unavailable({ items: null, lastReadAt: null, failure: 'too_many_files' })]), 'x', ctx({ language: 'en' }));
    at(email.text, '\njaga cannot read the upload queue, so it does not know how many recordings are not yet sent to the central server.\n');
    at(email.text, '- Problem: too many files to count (max_files)');
  });
});

describe('since when, as people say it', () => {
  const t = catalogue('id').email;
  const rows: [string, number, number | undefined, string][] = [
    ['today: the time', NOW - 2 * HOUR, NOW, '08.20 WIB'],
    ['yesterday: the weekday', NOW - DAY, NOW, 'Minggu 10.20 WIB'],
    ['six days before: the weekday', NOW - 6 * DAY, NOW, 'Selasa 10.20 WIB'],
    ['a week before: the date', NOW - 7 * DAY, NOW, '23 Nov 2026 10.20 WIB'],
    // 23.59 WIB on Sunday is another calendar day than 00.05 WIB on Monday, though minutes apart
    ['across midnight in the zone', Date.UTC(2026, 10, 29, 16, 59), Date.UTC(2026, 10, 29, 17, 5), 'Minggu 23.59 WIB'],
    ['ahead of now (a skewed clock): the date', NOW + DAY, NOW, '1 Des 2026 10.20 WIB'],
    ['no moment to speak from: the date', SATURDAY, undefined, '28 Nov 2026 08.12 WIB'],
  ];
  for (const [name, when, now, expected] of rows) {
    test(name, () => assert.equal(dayAndTime(when, now, 'Asia/Jakarta', t), expected));
  }
  test('English weekdays, another zone', () => {
    assert.equal(dayAndTime(SATURDAY, NOW, 'Asia/Jayapura', catalogue('en').email), 'Saturday 10:12 WIT');
  });
});

describe('Alertmanager annotations', () => {
  test('UploadStalled: the summary first, times in full (no "ago" without a moment)', () => {
    const a = alertAnnotations(stalled(), 'id', { contacts: { local_it: 'L', central: 'C' } });
    assert.equal(a.summary, 'Unggahan ke pusat macet (unggah)');
    assert.equal(
      a.description,
      '12.345 rekaman belum terkirim ke pusat, yang tertua sejak 28 Nov 2026 08.12 WIB; unggahan terakhir berhasil 27 Nov 2026 10.20 WIB; ' +
        'Sinyal unggah (heartbeat): unggah; Tenggang: 30 menit tanpa unggahan berhasil; Unggahan macet menghentikan perekaman di kantor ini.',
    );
    assert.match(a.next_step ?? '', /Hubungi TI setempat: L\. Bila aplikasinya berjalan tetapi kiriman tetap gagal, hubungi pengelola server pusat: C\.$/);
  });

  test('BacklogSourceUnavailable names its source', () => {
    assert.equal(alertAnnotations(unavailable(), 'en').summary, 'Upload queue unreadable (sync)');
  });
});
