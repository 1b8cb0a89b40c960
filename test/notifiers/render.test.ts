// Alert emails: the facts a department head needs must be there, in both languages, and nothing a
// person or config typed can reach a header or run in the HTML. Snapshot-free: each test names facts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  alertAnnotations,
  messageIdFor,
  renderNotification,
  renderTestEmail,
  safeHeaderText,
  type RenderContext,
} from '../../src/notifiers/render/render.js';
import { ALERT_NAMES, type Alert, type AlertName, type PlannedNotification } from '../../src/core/alerts/types.js';
import type { Gate, Override, Reason } from '../../src/core/types.js';
import { catalogue } from '../../src/i18n/catalogue.js';
import { duration } from '../../src/i18n/format.js';

const GiB = 2 ** 30;
/** 30 Nov 2026 08.15 WIB */
const T0 = Date.UTC(2026, 10, 30, 1, 15);
const MIN = 60_000;
/** 2 h 5 min after T0: 10.20 WIB */
const NOW = T0 + 125 * MIN;

const SEVERITY: Record<AlertName, Alert['severity']> = {
  CentralUnreachable: 'critical',
  CentralSlow: 'warning',
  StorageWarning: 'warning',
  StorageCritical: 'critical',
  StorageFillingUp: 'warning',
  HaltForecast: 'warning',
  BacklogWarning: 'warning',
  BacklogCritical: 'critical',
  UploadStalled: 'critical',
  BacklogSourceUnavailable: 'warning',
  RecordingHalted: 'critical',
  JagaDegraded: 'warning',
};

function alert(name: AlertName, values: Alert['values'] = {}, labels: Record<string, string> = {}, since = T0): Alert {
  const extra = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    key: `${name}{${extra}}`,
    name,
    severity: SEVERITY[name],
    labels: { alertname: name, severity: SEVERITY[name], site: 'palangkaraya', ...labels },
    state: 'firing',
    activeSince: since,
    firingSince: since,
    values,
  };
}

const halted = (values: Alert['values'] = {}) =>
  alert('RecordingHalted', { reasons: 'CENTRAL_UNREACHABLE, STORAGE_CRITICAL', since: T0, override: null, overrideBy: null, ...values });
const unreachable = (cause: string, values: Alert['values'] = {}) =>
  alert('CentralUnreachable', { cause, downTargets: 'pusat-api, pusat-vpn', failure: 'timeout', lastSuccessAt: T0 - MIN, ...values });
const critical = (volume = 'rekaman', values: Alert['values'] = {}) =>
  alert(
    'StorageCritical',
    { reasons: 'STORAGE_CRITICAL', usedRatio: 0.934, availBytes: 33 * GiB, sizeBytes: 500 * GiB, filesUsedRatio: 0.1, failure: null, ...values },
    { volume },
    T0 + 10 * MIN,
  );
const filling = (volume = 'rekaman') =>
  alert('StorageFillingUp', { fullEtaSeconds: 200 * 60, fillRateBytesPerSecond: -2.5e6, availBytes: 33 * GiB }, { volume }, T0 + 10 * MIN);

function reason(code: Reason['code'], subject: string, facts: Reason['facts'] = {}, cause?: Reason['cause']): Reason {
  return { code, subject, since: T0, facts, ...(cause ? { cause } : {}) };
}

function gate(o: Partial<Gate> = {}): Gate {
  return {
    state: 'halted',
    mode: 'normal',
    buffering: null,
    forecast: null,
    since: T0,
    reasons: [
      reason('CENTRAL_UNREACHABLE', 'central', { downTargets: 'pusat-api,pusat-vpn' }, 'uplink'),
      reason('STORAGE_CRITICAL', 'rekaman', { usedRatio: 0.934, availBytes: 33 * GiB, haltRatio: 0.9 }),
    ],
    overridden: [],
    clearSince: null,
    decidedAt: NOW,
    validUntil: NOW + 45_000,
    override: null,
    ...o,
  };
}

function override(o: Partial<Override> = {}): Override {
  return { id: 'ov-1', action: 'halt', reason: 'pemadaman listrik', by: 'kabid', createdAt: T0, expiresAt: null, liftedAt: null, liftedBy: null, ...o };
}

function notification(o: Partial<PlannedNotification> = {}): PlannedNotification {
  return { id: 'kabid#1#1', recipient: 'kabid@example.go.id', kind: 'firing', firing: [], resolved: [], at: NOW, ...o };
}

function ctx(o: Partial<RenderContext> = {}): RenderContext {
  return {
    site: 'palangkaraya',
    language: 'id',
    timeZone: 'Asia/Jakarta',
    publicUrl: 'https://jaga.example.go.id/',
    contacts: { central: 'Helpdesk Pusat 021-111', uplink: 'ISP Astinet 147', dns: 'Admin DNS 0812-222', local_it: 'Pak Budi 0812-333' },
    gate: gate(),
    now: NOW,
    ...o,
  };
}

const group = () => [unreachable('uplink'), critical(), halted(), filling()];
const SAFE_HEADER = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;

/** Index of a fact in the text, asserting it is there. */
function at(text: string, fact: string | RegExp): number {
  const index = typeof fact === 'string' ? text.indexOf(fact) : text.search(fact);
  assert.ok(index >= 0, `missing ${String(fact)} in:\n${text}`);
  return index;
}

describe('halt with central down (uplink) and a full disk', () => {
  const cases = [
    {
      language: 'id' as const,
      subject: '[jaga palangkaraya] KRITIS: Perekaman KTP-el dihentikan +3 lainnya',
      gateLine: 'PEREKAMAN KTP-el DIHENTIKAN sejak 30 Nov 2026 08.15 WIB (2 jam 5 menit lalu)',
      facts: [
        'Sejak 08.25 WIB (1 jam 55 menit lalu)',
        'Sisa ruang: 33.0 GiB dari 500 GiB',
        'Terpakai: 93.4% (batas 90.0%)',
        'Penuh dalam: ± 3 jam 20 menit (sekitar 13.40 WIB)',
        'jaringan kantor sendiri (uplink/ISP) terputus',
        'Jenis kegagalan: tidak menjawab dalam batas waktu',
        'Terakhir berhasil: 08.14 WIB',
        'Hubungi penyedia jaringan kantor (ISP): ISP Astinet 147',
        'Hubungi TI setempat: Pak Budi 0812-333',
      ],
      certificate: /Hentikan perekaman KTP-el\. Terbitkan surat keterangan pengganti sementara \(berlaku sama\)/,
    },
    {
      language: 'en' as const,
      subject: '[jaga palangkaraya] CRITICAL: e-KTP recording halted +3 more',
      gateLine: 'e-KTP RECORDING HALTED since 30 Nov 2026 08:15 WIB (2 h 5 min ago)',
      facts: [
        'Since 08:25 WIB (1 h 55 min ago)',
        'Free space: 33.0 GiB of 500 GiB',
        'Used: 93.4% (limit 90.0%)',
        'Full in: about 3 h 20 min (around 13:40 WIB)',
        'our own office network (uplink/ISP) is down',
        'Failure: no answer within the time limit',
        'Last success: 08:14 WIB',
        "Call the office's network provider (ISP): ISP Astinet 147",
        'Call local IT: Pak Budi 0812-333',
      ],
      certificate: /Stop e-KTP recording\. Issue residents the temporary substitute certificate/,
    },
  ];
  for (const c of cases) {
    test(`${c.language}: subject, gate line first, numbers, whom to call, the certificate`, () => {
      const email = renderNotification(notification({ firing: group() }), 'Kabid PIAK', ctx({ language: c.language }));
      assert.equal(email.subject, c.subject);
      const text = email.text;
      // The gate comes before any alert: it is what a department head needs first.
      const gateAt = at(text, c.gateLine);
      for (const fact of c.facts) assert.ok(at(text, fact) > gateAt, fact);
      at(text, c.certificate);
      // The halt's next step is the first one read.
      assert.ok(at(text, c.certificate) < at(text, c.facts[4] ?? ''));
      // cause uplink: the central server's own helpdesk is not who to call.
      assert.ok(!text.includes('Helpdesk Pusat'));
      for (const fact of [...c.facts, c.gateLine.split(' sejak')[0]?.split(' since')[0] ?? '']) {
        assert.ok(email.html.includes(fact.replace(/'/g, '&#39;')), `html misses ${fact}`);
      }
      assert.match(email.html, /font-size:24px[^>]*>[^<]*(DIHENTIKAN|HALTED)</);
      assert.match(email.html, /https:\/\/jaga\.example\.go\.id\//);
    });
  }
});

describe('whom to call, by cause', () => {
  const cases = [
    { cause: 'central', contacts: { central: 'C', local_it: 'L' }, id: 'Hubungi pengelola server pusat: C.', meaning: 'server pusat tidak menjawab' },
    { cause: 'dns', contacts: { dns: 'D', local_it: 'L' }, id: 'Hubungi pengelola DNS: D.', meaning: 'DNS gagal' },
    { cause: 'uplink', contacts: { uplink: 'U' }, id: 'Hubungi penyedia jaringan kantor (ISP): U.', meaning: 'uplink/ISP' },
    { cause: 'uplink', contacts: { local_it: 'L' }, id: 'Hubungi TI setempat: L.', meaning: 'uplink/ISP' },
    { cause: 'central', contacts: {}, id: 'Hubungi TI setempat (kontak belum diatur', meaning: 'jaringan kantor normal' },
  ];
  for (const c of cases) {
    test(`${c.cause} with ${Object.keys(c.contacts).join('+') || 'no contacts'}`, () => {
      const email = renderNotification(notification({ firing: [unreachable(c.cause)] }), 'x', ctx({ contacts: c.contacts }));
      at(email.text, c.id);
      at(email.text, c.meaning);
    });
  }
});

describe('resolved and repeat', () => {
  const resolved = [
    { ...halted(), resolvedAt: NOW },
    { ...unreachable('uplink'), resolvedAt: NOW - 5 * MIN },
  ];
  const allowed = gate({ state: 'allowed', since: NOW - 2 * MIN, reasons: [] });

  test('id: good news first, what resolved and how long it lasted, no next steps', () => {
    const email = renderNotification(notification({ kind: 'resolved', resolved }), 'Kabid', ctx({ gate: allowed }));
    assert.equal(email.subject, '[jaga palangkaraya] PULIH: Perekaman dapat dilanjutkan +1 lainnya');
    const good = at(email.text, 'Kabar baik: Perekaman dapat dilanjutkan.');
    assert.ok(good < at(email.text, 'PEREKAMAN KTP-el BOLEH BERJALAN sejak 30 Nov 2026 10.18 WIB (2 menit lalu)'));
    at(email.text, /Sudah pulih:\n- Perekaman KTP-el dihentikan: pulih 10\.20 WIB, berlangsung 2 jam 5 menit/);
    at(email.text, 'Server pusat tidak dapat dihubungi: pulih 10.15 WIB, berlangsung 2 jam');
    assert.ok(!email.text.includes('Yang harus dilakukan'));
    at(email.html, 'Kabar baik: Perekaman dapat dilanjutkan.');
  });

  test('en: resolved while recording is still halted says so', () => {
    const email = renderNotification(
      notification({ kind: 'resolved', resolved: [{ ...unreachable('uplink'), resolvedAt: NOW }] }),
      'Kabid',
      ctx({ language: 'en', gate: gate({ reasons: [reason('STORAGE_CRITICAL', 'rekaman', { usedRatio: 0.95 })] }) }),
    );
    assert.equal(email.subject, '[jaga palangkaraya] RESOLVED: Central server reachable again');
    at(email.text, 'e-KTP recording is STILL HALTED');
    at(email.text, 'Resolved:\n- Central server unreachable: resolved 10:20 WIB, lasted 2 h 5 min');
  });

  test('a firing message also lists what resolved since the last one', () => {
    const email = renderNotification(
      notification({ firing: [critical()], resolved: [{ ...unreachable('uplink'), resolvedAt: NOW }] }),
      'x',
      ctx(),
    );
    assert.match(email.subject, /KRITIS: Penyimpanan hampir penuh$/);
    assert.ok(at(email.text, 'Sisa ruang') < at(email.text, 'Sudah pulih:'));
  });

  for (const c of [
    { language: 'id' as const, subject: '[jaga palangkaraya] (pengingat) KRITIS: Perekaman KTP-el dihentikan', note: 'Pengingat: keadaan ini masih berlangsung.' },
    { language: 'en' as const, subject: '[jaga palangkaraya] (reminder) CRITICAL: e-KTP recording halted', note: 'Reminder: this is still going on.' },
  ]) {
    test(`${c.language}: a repeat says it is a reminder`, () => {
      const email = renderNotification(notification({ kind: 'repeat', firing: [halted()] }), 'x', ctx({ language: c.language }));
      assert.equal(email.subject, c.subject);
      assert.ok(at(email.text, c.note) < at(email.text, c.language === 'id' ? 'PEREKAMAN' : 'RECORDING'));
    });
  }
});

describe('the gate block', () => {
  test('an allow override: who, until when, why, and what it lifted', () => {
    const g = gate({
      state: 'allowed',
      reasons: [],
      overridden: [reason('CENTRAL_UNREACHABLE', 'central', { downTargets: 'pusat-api' }, 'central')],
      override: override({ action: 'allow', by: 'kabid', reason: 'antrean warga panjang', expiresAt: T0 + 4 * 60 * MIN }),
    });
    const email = renderNotification(notification({ firing: [unreachable('central')] }), 'x', ctx({ gate: g }));
    at(email.text, 'PEREKAMAN KTP-el BOLEH BERJALAN');
    at(email.text, 'Dibuka manual oleh kabid sampai 30 Nov 2026 12.15 WIB: "antrean warga panjang"');
    at(email.text, /Dikesampingkan oleh izin manual:\n {2}- Server pusat tidak terjangkau/);
  });

  test('many reasons are cut to five and counted', () => {
    const reasons = Array.from({ length: 8 }, (_, i) => reason('VOLUME_UNAVAILABLE', `vol${i}`, { failure: 'not_mounted', detail: 'x' }));
    const email = renderNotification(notification({ firing: [halted()] }), 'x', ctx({ gate: gate({ reasons }) }));
    at(email.text, 'vol4');
    assert.ok(!email.text.includes('vol5'));
    at(email.text, '… dan 3 penyebab lain');
  });
});

describe('subject length', () => {
  const longSite = `kabupaten-${'x'.repeat(53)}`; // the longest name config allows (63)
  const everything = [
    ...group(),
    alert('CentralSlow', { latencyMs: 4200, thresholdMs: 2000 }, { target: 'pusat-api' }),
    alert('StorageWarning', { usedRatio: 0.86, availBytes: GiB, sizeBytes: 10 * GiB, warnRatio: 0.85, fullEtaSeconds: null }, { volume: 'arsip' }),
    alert('JagaDegraded', { problems: 'store, outbox', notificationsGivenUp: 2, outboxOldestPendingAgeSeconds: 1800 }),
  ];
  for (const language of ['id', 'en'] as const) {
    for (const kind of ['firing', 'repeat', 'resolved'] as const) {
      test(`${language} ${kind}: at most 78 characters, the count survives`, () => {
        const n =
          kind === 'resolved'
            ? notification({ kind, resolved: everything.map((a) => ({ ...a, resolvedAt: NOW })) })
            : notification({ kind, firing: everything });
        const { subject } = renderNotification(n, 'x', ctx({ site: longSite, language }));
        assert.ok(subject.length <= 78, `${subject.length}: ${subject}`);
        assert.match(subject, language === 'id' ? /\+6 lainnya$/ : /\+6 more$/);
        assert.match(subject, /^\[jaga kabupaten-x+…\] /);
      });
    }
  }
});

describe('nothing typed by a person or config reaches a header or runs in HTML', () => {
  const EVIL = 'x\r\nBcc: evil@x\nSubject: hi\u2028\u2029\u0085\u0000\u001b[31m\u202e\u000b';
  const evilContext = () =>
    ctx({
      site: EVIL,
      contacts: { central: EVIL, uplink: EVIL, dns: EVIL, local_it: EVIL },
      gate: gate({
        reasons: [reason('MANUAL_HALT', 'ov-1', { by: EVIL, reason: EVIL })],
        override: override({ by: EVIL, reason: EVIL }),
      }),
    });
  const evilAlerts = () => [
    halted({ overrideBy: EVIL }),
    unreachable('uplink', { downTargets: EVIL }),
    critical(EVIL),
    alert('CentralSlow', { latencyMs: 3000 }, { target: EVIL }),
    alert('JagaDegraded', { problems: EVIL }),
  ];

  for (const kind of ['firing', 'repeat', 'resolved'] as const) {
    test(`${kind}: subject and Message-ID stay one clean line`, () => {
      const n =
        kind === 'resolved'
          ? notification({ kind, resolved: evilAlerts().map((a) => ({ ...a, resolvedAt: NOW })) })
          : notification({ kind, firing: evilAlerts() });
      const email = renderNotification(n, EVIL, evilContext());
      assert.match(email.subject, SAFE_HEADER);
      assert.ok(!email.subject.includes('\u202e'));
      assert.match(messageIdFor(n.id, EVIL), /^<[A-Za-z0-9.-]+@[A-Za-z0-9.-]+>$/);
      // Bodies carry the values, but as one line each: no forged header-like line, no bare CR.
      for (const body of [email.text, email.html]) {
        assert.ok(!body.includes('\r'));
        assert.ok(!/^(Bcc|Subject):/im.test(body));
      }
      at(email.text, 'x Bcc: evil@x Subject: hi');
    });
  }

  test('test email: subject clean too', () => {
    const email = renderTestEmail(EVIL, { ...evilContext() });
    assert.match(email.subject, SAFE_HEADER);
    assert.ok(!/^Bcc:/im.test(email.text));
  });

  test('HTML escapes <script> in values, contacts, names, reasons; links only http(s)', () => {
    const XSS = '<script>alert("x")</script>&\'';
    const email = renderNotification(
      notification({ firing: [unreachable('uplink', { downTargets: XSS }), critical(XSS), halted({ overrideBy: XSS })] }),
      XSS,
      ctx({
        site: XSS,
        publicUrl: 'javascript:alert(1)',
        contacts: { uplink: XSS, local_it: XSS },
        gate: gate({ override: override({ by: 'kabid', reason: XSS }) }),
      }),
    );
    assert.ok(!email.html.includes('<script'), 'raw <script> in HTML');
    assert.ok(!email.html.includes('href="javascript'), 'javascript: link');
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';
    assert.ok(email.html.split(escaped).length - 1 >= 5, 'values, contacts, name, reason all escaped');
    assert.ok(email.text.includes('<script>alert("x")</script>'), 'plain text keeps the text as it is');
  });

  test('HTML loads nothing from outside and fits a phone', () => {
    const { html } = renderNotification(notification({ firing: group() }), 'x', ctx());
    assert.ok(!/<img|<link|<script|<iframe|src=|url\(|@import/i.test(html));
    assert.match(html, /max-width:600px/);
    assert.match(html, /<meta name="viewport"/);
  });

  test('a 1 MB string anywhere is cut, not mailed', () => {
    const HUGE = 'a'.repeat(1024 * 1024);
    const email = renderNotification(
      notification({ firing: [unreachable('uplink', { downTargets: HUGE }), critical(HUGE), halted({ overrideBy: HUGE })] }),
      HUGE,
      ctx({
        site: HUGE,
        publicUrl: `https://x/${HUGE}`,
        contacts: { uplink: HUGE, local_it: HUGE },
        gate: gate({ override: override({ by: HUGE, reason: HUGE }), reasons: [reason('MANUAL_HALT', HUGE, { by: HUGE, reason: HUGE })] }),
      }),
    );
    assert.ok(email.subject.length <= 78);
    assert.ok(email.text.length < 10_000, `text is ${email.text.length}`);
    assert.ok(email.html.length < 20_000, `html is ${email.html.length}`);
    assert.ok(!email.text.includes('a'.repeat(301)));
    at(email.text, 'a…');
  });
});

describe('safeHeaderText', () => {
  const cases: [string, number, string][] = [
    ['plain', 78, 'plain'],
    ['a\r\nBcc: b', 78, 'a Bcc: b'],
    ['a\u2028b\u2029c\u0085d', 78, 'a b c d'],
    ['  many   \t spaces  ', 78, 'many spaces'],
    ['bi\u202edi\u2066', 78, 'bidi'],
    ['abcdef', 4, 'abc…'],
    ['abc', 3, 'abc'],
    ['ab 😀😀', 5, 'ab…'],
    ['😀😀😀', 5, '😀😀…'],
    ['abc', 0, ''],
  ];
  for (const [input, max, expected] of cases) {
    test(`${JSON.stringify(input)} / ${max}`, () => {
      const out = safeHeaderText(input, max);
      assert.equal(out, expected);
      assert.ok(out.length <= max);
    });
  }
});

describe('messageIdFor', () => {
  const ID = /^<[A-Za-z0-9.-]+@[A-Za-z0-9.-]+>$/;
  test('deterministic, one per notification and site, safe characters', () => {
    assert.equal(messageIdFor('kabid#1#1', 'palangkaraya'), messageIdFor('kabid#1#1', 'palangkaraya'));
    assert.notEqual(messageIdFor('kabid#1#1', 'palangkaraya'), messageIdFor('kabid#1#2', 'palangkaraya'));
    assert.notEqual(messageIdFor('kabid#1#1', 'palangkaraya'), messageIdFor('kabid#1#1', 'sampit'));
    assert.match(messageIdFor('kabid#1#1', 'palangkaraya'), /^<[0-9a-f]{32}\.jaga@palangkaraya>$/);
    for (const site of ['', '...', 'Kota Palangka Raya', 'a@b>c', 'x\r\nBcc: y', 'ä'.repeat(100)]) {
      assert.match(messageIdFor('n', site), ID, site);
    }
  });
});

describe('times in the office zone', () => {
  const cases = [
    { timeZone: 'Asia/Jakarta', id: '08.15 WIB', en: '08:15 WIB' },
    { timeZone: 'Asia/Pontianak', id: '08.15 WIB', en: '08:15 WIB' },
    { timeZone: 'Asia/Makassar', id: '09.15 WITA', en: '09:15 WITA' },
    { timeZone: 'Asia/Jayapura', id: '10.15 WIT', en: '10:15 WIT' },
    { timeZone: 'UTC', id: '01.15 UTC', en: '01:15 UTC' },
    { timeZone: 'No/Such_Zone', id: '01.15 UTC', en: '01:15 UTC' },
  ];
  for (const c of cases) {
    test(c.timeZone, () => {
      for (const language of ['id', 'en'] as const) {
        const { text } = renderNotification(notification({ firing: [halted()] }), 'x', ctx({ timeZone: c.timeZone, language }));
        at(text, `30 Nov 2026 ${c[language]}`);
      }
    });
  }

  test('durations: two largest units, whole minutes', () => {
    const words = catalogue('id').email.durationWords;
    const table: [number, string][] = [[0, '0 detik'], [59, '59 detik'], [60, '1 menit'], [7500, '2 jam 5 menit'], [7200, '2 jam'], [90_000, '1 hari 1 jam'], [-5, '0 detik']];
    for (const [seconds, expected] of table) assert.equal(duration(seconds, words), expected);
    assert.equal(duration(7500, catalogue('en').email.durationWords), '2 h 5 min');
  });
});

describe('test email', () => {
  for (const c of [
    { language: 'id' as const, subject: '[jaga palangkaraya] Email uji', line: 'Ini email uji dari jaga di kantor palangkaraya, dikirim 30 Nov 2026 10.20 WIB.' },
    { language: 'en' as const, subject: '[jaga palangkaraya] Test email', line: 'This is a test email from jaga at the palangkaraya office, sent 30 Nov 2026 10:20 WIB.' },
  ]) {
    test(c.language, () => {
      const { gate: _gate, ...rest } = ctx({ language: c.language });
      const email = renderTestEmail('Operator', rest);
      assert.equal(email.subject, c.subject);
      at(email.text, c.line);
      at(email.html, c.line);
      at(email.html, 'https://jaga.example.go.id/');
    });
  }
});

describe('every alert in both languages', () => {
  for (const language of ['id', 'en'] as const) {
    test(`${language}: a title, a resolved title and a next step for each`, () => {
      const t = catalogue(language).email;
      for (const name of ALERT_NAMES) {
        assert.ok(t.title[name].length > 0 && t.title[name].length <= 40, name);
        assert.ok(t.resolvedTitle[name].length > 0 && t.resolvedTitle[name].length <= 40, name);
        assert.ok(t.nextStep(name, {}, { role: 'local_it', contact: 'L' }).length > 20, name);
      }
    });
  }

  test('a volume that cannot be trusted: check the disk, not free space', () => {
    const email = renderNotification(
      notification({ firing: [critical('rekaman', { reasons: 'VOLUME_UNAVAILABLE', usedRatio: null, availBytes: null, sizeBytes: null, failure: 'not_mounted' })] }),
      'x',
      ctx(),
    );
    at(email.text, 'Masalah disk: disk tidak terpasang (mount hilang)');
    at(email.text, 'Periksa disk penyimpanan di server lokal');
    assert.ok(!email.text.includes('Sisa ruang'));
  });

  test('alertmanager annotations: summary, numbers, next step', () => {
    const a = alertAnnotations(critical(), 'en', { contacts: { local_it: 'L' } });
    assert.equal(a.summary, 'Storage almost full (rekaman)');
    assert.match(a.description ?? '', /Free space: 33\.0 GiB of 500 GiB; Used: 93\.4%/);
    assert.match(a.next_step ?? '', /Call local IT: L\./);
  });
});
