// The pure parts of /admin: sessions and their expiry on a fake clock, the login rate limiter, CSRF and
// origin checks, form parsing through the API's own rules, and escaping in the rendered pages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Gate, Override } from '../../src/core/types.js';
import { sessionCookie } from '../../src/http/admin/admin.js';
import { formField, overrideFromForm, silenceFromForm } from '../../src/http/admin/forms.js';
import { escapeHtml, html } from '../../src/http/admin/html.js';
import { constantTimeEqual, LoginLimiter, sameOrigin, SessionStore } from '../../src/http/admin/session.js';
import { dashboardPage, loginPage, type DashboardData } from '../../src/http/admin/views.js';
import { overrideRequest, RequestError, silenceRequest } from '../../src/core/requests.js';
import { catalogue } from '../../src/i18n/catalogue.js';
import { manualClock } from '../helpers/manual-clock.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A clock that never moves. */
const still = manualClock(0);

describe('SessionStore', () => {
  test('a session lives while used, and dies after 30 idle minutes', () => {
    const clock = manualClock();
    const store = new SessionStore(clock);
    const { id, session } = store.create('kabid');
    assert.equal(session.who, 'kabid');
    assert.match(id, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.match(session.csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(session.csrf, id);
    clock.pass(29 * MIN);
    assert.equal(store.get(id)?.who, 'kabid', 'used within the idle window');
    clock.pass(29 * MIN);
    assert.equal(store.get(id)?.who, 'kabid', 'each use restarts the idle window');
    clock.pass(30 * MIN);
    assert.equal(store.get(id), null, 'idle for 30 minutes');
    assert.equal(store.size, 0, 'forgotten once found expired');
  });

  test('12 hours after login a session ends however busy it is', () => {
    const clock = manualClock();
    const store = new SessionStore(clock);
    const { id } = store.create('it');
    for (let elapsed = 0; elapsed < 12 * HOUR - 20 * MIN; elapsed += 20 * MIN) {
      clock.pass(20 * MIN);
      assert.ok(store.get(id), `alive at ${elapsed / MIN + 20} min`);
    }
    clock.pass(20 * MIN);
    assert.equal(store.get(id), null);
  });

  test('a wall-clock step ends no session and keeps none alive: sessions age by the monotonic clock', () => {
    const clock = manualClock();
    const store = new SessionStore(clock);
    const { id } = store.create('kabid');
    clock.stepWall(24 * HOUR);
    assert.equal(store.get(id)?.who, 'kabid', 'a day forward on the wall clock is no idle time');
    clock.stepWall(-48 * HOUR);
    clock.pass(30 * MIN);
    assert.equal(store.get(id), null, 'two days back on the wall clock do not stop 30 idle minutes');
  });

  test('ids are unique, unknown and malformed ids find nothing, destroy ends a session', () => {
    const store = new SessionStore(still);
    const a = store.create('a');
    const b = store.create('a');
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.session.csrf, b.session.csrf);
    for (const bad of [undefined, '', 'x', a.id.slice(1), 'y'.repeat(10_000)]) assert.equal(store.get(bad), null);
    store.destroy(a.id);
    assert.equal(store.get(a.id), null);
    assert.ok(store.get(b.id));
  });

  test('memory stays bounded: beyond maxSessions the oldest are dropped', () => {
    const store = new SessionStore(still, { idleMs: HOUR, absoluteMs: 12 * HOUR, maxSessions: 3 });
    const ids = [1, 2, 3, 4, 5].map((n) => store.create(`u${n}`).id);
    assert.equal(store.size, 3);
    assert.deepEqual(ids.map((id) => store.get(id)?.who ?? null), [null, null, 'u3', 'u4', 'u5']);
  });
});

describe('LoginLimiter', () => {
  test('5 failures within a minute block the address; the window slides', () => {
    const clock = manualClock();
    const limiter = new LoginLimiter(clock);
    for (let i = 0; i < 5; i += 1) {
      assert.equal(limiter.blocked('10.0.0.1'), false, `attempt ${i + 1}`);
      limiter.recordFailure('10.0.0.1');
      clock.pass(1_000);
    }
    assert.equal(limiter.blocked('10.0.0.1'), true);
    assert.equal(limiter.blocked('10.0.0.2'), false, 'other addresses are not affected');
    clock.pass(55_000); // the first failure is now 60 s old, the other four younger
    assert.equal(limiter.blocked('10.0.0.1'), false);
    limiter.recordFailure('10.0.0.1');
    assert.equal(limiter.blocked('10.0.0.1'), true, 'four recent plus one new');
  });

  test('a wall-clock step neither lifts a lockout nor prolongs one', () => {
    const clock = manualClock();
    const limiter = new LoginLimiter(clock);
    for (let i = 0; i < 5; i += 1) limiter.recordFailure('10.0.0.1');
    clock.stepWall(HOUR);
    assert.equal(limiter.blocked('10.0.0.1'), true, 'an hour forward on the wall clock is not a minute passed');
    clock.stepWall(-2 * HOUR);
    clock.pass(MIN);
    assert.equal(limiter.blocked('10.0.0.1'), false, 'a minute passed, whatever the wall clock says');
  });

  test('a success forgets the failures', () => {
    const limiter = new LoginLimiter(still);
    for (let i = 0; i < 4; i += 1) limiter.recordFailure('a');
    limiter.recordSuccess('a');
    for (let i = 0; i < 4; i += 1) limiter.recordFailure('a');
    assert.equal(limiter.blocked('a'), false);
  });

  test('memory stays bounded under a spray of addresses', () => {
    const clock = manualClock();
    const limiter = new LoginLimiter(clock, { maxFailures: 2, windowMs: MIN, maxAddresses: 100 });
    for (let i = 0; i < 1_000; i += 1) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    assert.ok(limiter.size <= 100, `size ${limiter.size}`);
    limiter.recordFailure('attacker');
    limiter.recordFailure('attacker');
    assert.equal(limiter.blocked('attacker'), true, 'the newest address is kept');
  });
});

describe('LoginLimiter counts clients as the public rate limits do', () => {
  test('an IPv6 host owns its /64; an IPv4-mapped address is its IPv4 address', () => {
    const limiter = new LoginLimiter(still);
    for (let i = 1; i <= 5; i += 1) limiter.recordFailure(`2001:db8:1:2::${i}`);
    assert.equal(limiter.blocked('2001:db8:1:2:ffff::9'), true, 'another address of the same /64');
    assert.equal(limiter.blocked('2001:db8:1:3::1'), false, 'the next /64 is someone else');
    for (let i = 1; i <= 5; i += 1) limiter.recordFailure('::ffff:10.0.0.7');
    assert.equal(limiter.blocked('10.0.0.7'), true);
    limiter.recordSuccess('10.0.0.7');
    assert.equal(limiter.blocked('::ffff:10.0.0.7'), false);
  });
});

describe('CSRF and origin', () => {
  test('constantTimeEqual matches only the same string', () => {
    const token = 'MLHxJLaRTIpcZ2pkq4mU-UD-72IIa4aVww7rNX7hNa8';
    assert.equal(constantTimeEqual(token, token), true);
    assert.equal(constantTimeEqual(token, `${token.slice(0, -1)}9`), false, 'same length, one character off');
    assert.equal(constantTimeEqual(token, token.slice(0, 10)), false, 'a prefix');
    assert.equal(constantTimeEqual(token, `${token}x`), false, 'longer');
    assert.equal(constantTimeEqual(token, undefined), false);
    assert.equal(constantTimeEqual(token, [token]), false, 'a repeated field');
    assert.equal(constantTimeEqual('', ''), false, 'an empty expected token matches nothing');
  });

  const direct = { viaTrustedProxy: false };
  const proxied = { viaTrustedProxy: true };
  const rows: [string, Parameters<typeof sameOrigin>[0], boolean][] = [
    ['no browser headers (curl)', { origin: undefined, secFetchSite: undefined, host: '127.0.0.1:9469', protocol: 'http', ...direct }, true],
    ['same origin', { origin: 'http://127.0.0.1:9469', secFetchSite: 'same-origin', host: '127.0.0.1:9469', protocol: 'http', ...direct }, true],
    ['other port', { origin: 'http://127.0.0.1:8080', secFetchSite: undefined, host: '127.0.0.1:9469', protocol: 'http', ...direct }, false],
    ['other scheme', { origin: 'https://127.0.0.1:9469', secFetchSite: undefined, host: '127.0.0.1:9469', protocol: 'http', ...direct }, false],
    ['opaque origin', { origin: 'null', secFetchSite: undefined, host: '127.0.0.1:9469', protocol: 'http', ...direct }, false],
    ['cross-site fetch', { origin: undefined, secFetchSite: 'cross-site', host: '127.0.0.1:9469', protocol: 'http', ...direct }, false],
    ['same-site but another origin', { origin: undefined, secFetchSite: 'same-site', host: 'jaga.kantor.lan', protocol: 'http', ...direct }, false],
    ['typed in the address bar', { origin: undefined, secFetchSite: 'none', host: 'jaga.kantor.lan', protocol: 'http', ...direct }, false],
    ['origin without host', { origin: 'http://x', secFetchSite: undefined, host: undefined, protocol: 'http', ...direct }, false],
    // A direct client's Host always carries the port its browser used: no port means the default one.
    ['direct, Host without the port', { origin: 'http://jaga.lan:8080', secFetchSite: 'same-origin', host: 'jaga.lan', protocol: 'http', ...direct }, false],
    // Behind a TLS proxy the scheme is the proxy's (X-Forwarded-Proto), and `Host $host` drops the port.
    ['proxied https, Host with the port', { origin: 'https://jaga.lan:8443', secFetchSite: 'same-origin', host: 'jaga.lan:8443', protocol: 'https', ...proxied }, true],
    ['proxied https, Host without the port', { origin: 'https://jaga.lan:8443', secFetchSite: 'same-origin', host: 'jaga.lan', protocol: 'https', ...proxied }, true],
    ['proxied https, default port', { origin: 'https://jaga.lan', secFetchSite: 'same-origin', host: 'jaga.lan', protocol: 'https', ...proxied }, true],
    ['proxied, another name', { origin: 'https://evil.lan:8443', secFetchSite: undefined, host: 'jaga.lan', protocol: 'https', ...proxied }, false],
    ['proxied, another scheme', { origin: 'http://jaga.lan:8080', secFetchSite: undefined, host: 'jaga.lan', protocol: 'https', ...proxied }, false],
    ['proxied, Host with another port', { origin: 'https://jaga.lan:8443', secFetchSite: undefined, host: 'jaga.lan:9443', protocol: 'https', ...proxied }, false],
    ['proxied, opaque origin', { origin: 'null', secFetchSite: undefined, host: 'jaga.lan', protocol: 'https', ...proxied }, false],
    ['proxied, IPv6', { origin: 'https://[::1]:8443', secFetchSite: 'same-origin', host: '[::1]', protocol: 'https', ...proxied }, true],
    ['proxied, cross-site', { origin: 'https://jaga.lan:8443', secFetchSite: 'cross-site', host: 'jaga.lan', protocol: 'https', ...proxied }, false],
  ];
  for (const [name, headers, expected] of rows) {
    test(`sameOrigin: ${name}`, () => assert.equal(sameOrigin(headers), expected));
  }

  test('the session cookie is read by its exact name', () => {
    assert.equal(sessionCookie('a=1; jaga_admin=abc; b=2'), 'abc');
    assert.equal(sessionCookie('xjaga_admin=abc'), undefined);
    assert.equal(sessionCookie(undefined), undefined);
    assert.equal(sessionCookie('jaga_admin=first; jaga_admin=second'), 'first');
  });
});

describe('forms, through the same rules as the API', () => {
  const NOW = Date.parse('2026-11-30T08:00:00Z');
  const refused = (run: () => unknown, code: string, field: string) =>
    assert.throws(run, (error: unknown) => error instanceof RequestError && error.code === code && error.field === field);

  test('formField takes single strings only', () => {
    assert.equal(formField({ a: 'x' }, 'a'), 'x');
    assert.equal(formField({ a: ['x', 'y'] }, 'a'), undefined);
    assert.equal(formField({}, 'toString'), undefined, 'not from the prototype');
    assert.equal(formField(undefined, 'a'), undefined);
  });

  test('overrides', () => {
    assert.deepEqual(overrideFromForm({ action: 'halt', reason: ' uji ', for: '' }, NOW), { action: 'halt', reason: 'uji', expiresAt: null });
    assert.deepEqual(overrideFromForm({ action: 'allow', reason: 'uji', for: ' 2h ' }, NOW), { action: 'allow', reason: 'uji', expiresAt: NOW + 2 * HOUR });
    assert.equal(overrideFromForm({ action: 'allow', reason: 'uji', for: '24h' }, NOW).expiresAt, NOW + 24 * HOUR);
    refused(() => overrideFromForm({ action: 'allow', reason: 'uji', for: '' }, NOW), 'allow_needs_expiry', 'for');
    refused(() => overrideFromForm({ action: 'allow', reason: 'uji', for: '24h1s' }, NOW), 'allow_too_long', 'for');
    refused(() => overrideFromForm({ action: 'halt', reason: 'uji', for: 'soon' }, NOW), 'bad_duration', 'for');
    refused(() => overrideFromForm({ action: 'halt', reason: 'uji', for: '0s' }, NOW), 'bad_duration', 'for');
    refused(() => overrideFromForm({ action: 'halt', reason: '   ', for: '' }, NOW), 'invalid', 'reason');
    refused(() => overrideFromForm({ action: 'halt', reason: 'x'.repeat(501), for: '' }, NOW), 'invalid', 'reason');
    refused(() => overrideFromForm({ action: 'open', reason: 'uji', for: '' }, NOW), 'invalid', 'action');
  });

  test('silences', () => {
    const form = { matchers: 'alertname=CentralUnreachable\r\n\n  target = ~pusat-.* \n', for: '2h', comment: 'pemeliharaan' };
    assert.deepEqual(silenceFromForm(form, NOW), {
      matchers: { alertname: 'CentralUnreachable', target: '~pusat-.*' },
      startsAt: NOW,
      endsAt: NOW + 2 * HOUR,
      comment: 'pemeliharaan',
    });
    assert.equal(silenceFromForm({ ...form, for: '7d' }, NOW).endsAt, NOW + 7 * 24 * HOUR);
    refused(() => silenceFromForm({ ...form, for: '7d1m' }, NOW), 'silence_too_long', 'for');
    refused(() => silenceFromForm({ ...form, for: '' }, NOW), 'bad_duration', 'for');
    refused(() => silenceFromForm({ ...form, matchers: 'CentralUnreachable' }, NOW), 'bad_matcher_line', 'matchers');
    refused(() => silenceFromForm({ ...form, matchers: 'a=1\na=2' }, NOW), 'bad_matcher_line', 'matchers');
    refused(() => silenceFromForm({ ...form, matchers: '' }, NOW), 'invalid', 'matchers');
    refused(() => silenceFromForm({ ...form, matchers: '1abc=x' }, NOW), 'invalid', 'matchers');
    refused(() => silenceFromForm({ ...form, matchers: 'target=~pusat-(' }, NOW), 'bad_regex', 'matchers');
    refused(() => silenceFromForm({ ...form, matchers: Array.from({ length: 11 }, (_, i) => `l${i}=v`).join('\n') }, NOW), 'invalid', 'matchers');
    refused(() => silenceFromForm({ ...form, comment: '' }, NOW), 'invalid', 'comment');
  });

  test('the API gets the same rules with its English messages (requests.ts)', () => {
    const message = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof RequestError ? error.message : String(error);
      }
      return 'accepted';
    };
    assert.match(message(() => overrideRequest({ action: 'allow', reason: 'uji' }, NOW)), /^for: an allow override must expire/);
    assert.match(message(() => overrideRequest({ action: 'allow', reason: 'uji', for: '25h' }, NOW)), /^for: an allow override lasts at most 24h/);
    assert.match(message(() => overrideRequest({ action: 'halt', reason: 'uji', target: 'x' }, NOW)), /Unrecognized key/);
    assert.match(message(() => overrideRequest({ action: 'halt', reason: 'uji', for: '1h', expires_at: '2026-12-01T00:00:00Z' }, NOW)), /not both/);
    assert.match(message(() => overrideRequest({ action: 'halt', reason: 'uji', expires_at: '2026-11-30T07:00:00Z' }, NOW)), /^expires_at: must be in the future/);
    assert.match(message(() => silenceRequest({ matchers: { target: '~(' }, comment: 'x', for: '1h' }, NOW)), /^matchers\.target: not a valid regular expression/);
    assert.match(message(() => silenceRequest({ matchers: { a: 'b' }, comment: 'x' }, NOW)), /^for: give either/);
    assert.match(message(() => silenceRequest({ matchers: { a: 'b' }, comment: 'x', ends_at: '2026-11-30T07:00:00Z' }, NOW)), /^ends_at: must be after/);
    assert.deepEqual(silenceRequest({ matchers: { a: 'b' }, comment: 'x', starts_at: '2026-12-01T00:00:00Z', for: '7d' }, NOW).endsAt, Date.parse('2026-12-08T00:00:00Z'));
  });

  test('every refusal has words in both languages', () => {
    for (const language of ['id', 'en'] as const) {
      const problem = catalogue(language).admin.problem;
      for (const code of ['bad_duration', 'allow_needs_expiry', 'allow_too_long', 'silence_too_long', 'bad_regex', 'bad_matcher_line'] as const) {
        assert.ok(problem('for', code).length > 10, `${language} ${code}`);
      }
      assert.notEqual(problem('reason', 'invalid'), problem('comment', 'invalid'));
    }
  });
});

describe('rendering escapes everything people typed', () => {
  const EVIL = `<script>alert("x")</script>' onmouseover='y' &amp;`;

  test('escapeHtml and html``', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(html`<p title="${'"'}">${['<b>', html`<i>ok</i>`, null, false, 3]}</p>`.value, '<p title="&quot;">&lt;b&gt;<i>ok</i>3</p>');
  });

  test('the dashboard carries no markup from data, only escaped text', () => {
    const override: Override = { id: 'ovr-1', action: 'halt', reason: EVIL, by: `tester${EVIL}`, createdAt: 0, expiresAt: null, liftedAt: null, liftedBy: null };
    const gate: Gate = {
      state: 'halted',
      mode: 'normal',
      buffering: null,
      forecast: null,
      since: 0,
      reasons: [{ code: 'MANUAL_HALT', subject: 'ovr-1', since: 0, facts: { by: 'tester', reason: EVIL, expiresAt: null } }],
      overridden: [],
      clearSince: null,
      decidedAt: 1_000,
      validUntil: 4_000,
      override,
    };
    const data: DashboardData = {
      status: {
        at: 10_000,
        ready: true,
        gate,
        targets: [],
        volumes: [],
        backlogs: [
          {
            name: `spool${EVIL}`,
            type: 'command',
            halting: true,
            last: { ok: false, failure: 'bad_output', durationMs: 1, detail: EVIL, source: `spool${EVIL}`, at: 0 },
            lastReading: null,
          },
        ],
        heartbeats: [{ name: `unggah${EVIL}`, lastPingAt: 0, lastItemsSent: null, watchedSince: 0, graceMs: 60_000, halt: true, late: true }],
        overrides: [override],
        alerting: {
          alerts: [],
          silences: [{ id: 'sil-1', matchers: { alertname: EVIL }, startsAt: 0, endsAt: HOUR, createdBy: 'it', comment: EVIL }],
          held: { count: 0, oldestAt: null },
        },
      },
      working: DEFAULT_OFFICE_CALENDAR,
      resumeAfterMs: 120_000,
      outbox: { stats: { pending: 0, oldestPendingAt: null, failedSince24h: 0, expiredSince24h: 0 }, held: { count: 0, oldestAt: null }, pending: [], givenUp: [] },
      history: [{ id: 1, at: 0, from: 'allowed', to: 'halted', reasons: gate.reasons }],
      audit: [{ id: 1, at: 0, actor: `tester${EVIL}`, action: 'override.create', detail: { ...override } }],
    };
    const view = { c: catalogue('id'), language: 'id' as const, timeZone: 'Asia/Jakarta', now: 10_000, langQuery: '', csrf: 'tok"en' };
    const page = dashboardPage({ view, who: `tester${EVIL}`, data, forms: { override: { values: { action: 'halt', reason: EVIL, for: '"' }, error: EVIL } } });
    assert.ok(!page.includes('<script>'), 'no script element');
    assert.ok(!page.includes(`' onmouseover='y'`), 'no attribute breakout');
    assert.ok(page.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(page.includes('name="csrf" value="tok&quot;en"'));
    assert.ok(page.includes('action="/admin/overrides/ovr-1/lift"'));
    assert.ok(page.includes('action="/admin/silences/sil-1/expire"'));
    assert.ok(!/<[^>]+\sstyle=/.test(page), 'no inline style (CSP allows only the stylesheet)');
    assert.ok(!/<script/i.test(page), 'no script at all');
  });

  test('the login page says the same whatever went wrong, in the chosen language', () => {
    const id = loginPage(catalogue('id'), 'id', '', catalogue('id').admin.login.failed);
    const en = loginPage(catalogue('en'), 'en', '?lang=en', catalogue('en').admin.login.failed);
    assert.match(id, /<html lang="id">/);
    assert.match(id, /Gagal masuk/);
    assert.match(en, /Sign-in failed/);
    assert.match(en, /action="\/admin\/login\?lang=en"/);
  });
});

describe('no admin token configured (the demo without JAGA_ADMIN_TOKENS)', () => {
  for (const [language, heading, variable] of [
    ['id', /Belum ada token admin/, /JAGA_ADMIN_TOKENS=&quot;nama=rahasia&quot;/],
    ['en', /No admin token is configured/, /JAGA_ADMIN_TOKENS=&quot;name=secret&quot;/],
  ] as const) {
    test(`the login page says how to set one instead of showing a form (${language})`, () => {
      const page = loginPage(catalogue(language), language, '', null, false);
      assert.match(page, new RegExp(`<html lang="${language}">`));
      assert.match(page, heading);
      assert.match(page, variable, 'the variable and its form');
      assert.match(page, /<code>JAGA_ADMIN_TOKENS=it=[^<\s]{16,} npm start<\/code>/, 'a demo command line that would pass the 16-character minimum');
      assert.ok(!page.includes('<form'), 'no form: no token could pass it');
      assert.ok(!page.includes('name="token"'));
    });
  }

  test('with tokens the form is there and the hint is not', () => {
    const page = loginPage(catalogue('en'), 'en', '', null, true);
    assert.match(page, /<form method="post" action="\/admin\/login">/);
    assert.ok(!page.includes('No admin token is configured'));
  });
});
