// The config of the data at risk: `backlog` (schedule, timeout, sources of three types with their limits)
// and `heartbeats`, their defaults and units, each invalid value named by line and key path, and
// JAGA_HEARTBEAT_TOKENS.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const BASE = [
  'central:',
  '  targets: [{ name: pusat, type: tcp, host: 127.0.0.1, port: 1 }]',
  'storage:',
  '  volumes: [{ name: rekaman, path: /srv }]',
].join('\n');

const ADMIN = 'kabid=abcdefghijklmnop-kabid';

function problemsOf(text: string, env = {}): readonly string[] {
  try {
    parseConfig(text, 'jaga.yaml', env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('backlog and heartbeats: defaults and units', () => {
  test('without either section: no sources, no heartbeats, the default schedule and timeout', () => {
    const config = parseConfig(BASE, 'jaga.yaml', {});
    assert.deepEqual(config.backlog, { schedule: '*/30 * * * * *', timeout: 10_000, sources: [] });
    assert.deepEqual(config.heartbeats, []);
    assert.deepEqual(config.heartbeatTokens, []);
  });

  test('each source type with its defaults; limits in bytes and milliseconds', () => {
    const config = parseConfig(
      `${BASE}
backlog:
  sources:
    - { name: spool, type: directory, path: /srv/spool, halt_items: 5000, halt_bytes: 20GiB, halt_oldest_age: 2d, warn_oldest_age: 1d }
    - { name: sync, type: http_json, url: "http://127.0.0.1:8080/queue", items: queue.pending, oldest: queue.oldest }
    - { name: skrip, type: command, command: [/usr/local/bin/antrean, --json], timeout: 20s }
heartbeats:
  - { name: upload, grace: 15m, halt: true }
  - { name: arsip, grace: 1d }
`,
      'jaga.yaml',
      {},
    );
    const [spool, sync, skrip] = config.backlog.sources;
    assert.equal(spool?.type, 'directory');
    if (spool?.type !== 'directory') return;
    assert.equal(spool.max_files, 1_000_000);
    assert.equal(spool.pattern, undefined);
    assert.equal(spool.halt_bytes, 20 * 1024 ** 3);
    assert.equal(spool.halt_oldest_age, 2 * 86_400_000);
    assert.equal(spool.resume_fraction, 0.8);
    assert.equal(spool.halt_when_unavailable, false);
    assert.equal(sync?.type === 'http_json' && sync.tls_verify, true);
    assert.deepEqual(skrip?.type === 'command' && { env: skrip.env, timeout: skrip.timeout }, { env: {}, timeout: 20_000 });
    assert.deepEqual(config.heartbeats, [
      { name: 'upload', grace: 900_000, halt: true },
      { name: 'arsip', grace: 86_400_000, halt: false },
    ]);
  });
});

describe('backlog and heartbeats: each invalid value named by its line and key path', () => {
  const rows: [string, string, string[]][] = [
    ['an unknown type', '  sources: [{ name: s, type: ftp, path: /x }]', ['line 6: backlog.sources[0].type: must have type directory, http_json or command (got "ftp")']],
    ['a directory without a path', '  sources: [{ name: s, type: directory }]', ['line 6: backlog.sources[0].path: is required']],
    ['negative items', '  sources: [{ name: s, type: directory, path: /x, halt_items: -1 }]', ['line 6: backlog.sources[0].halt_items: must be 0 or more (got -1)']],
    ['fractional items', '  sources: [{ name: s, type: directory, path: /x, warn_items: 2.5 }]', ['line 6: backlog.sources[0].warn_items: must be a whole number (got 2.5)']],
    ['warn over halt', '  sources: [{ name: s, type: directory, path: /x, warn_items: 10, halt_items: 5 }]', ['line 6: backlog.sources[0].warn_items: must not be above halt_items']],
    ['resume_fraction of 1', '  sources: [{ name: s, type: directory, path: /x, resume_fraction: 1 }]', ['line 6: backlog.sources[0].resume_fraction: must be above 0 and below 1 (got 1)']],
    ['a pattern of too many alternatives', '  sources: [{ name: s, type: directory, path: /x, pattern: "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}" }]', [
      'line 6: backlog.sources[0].pattern: must be a glob such as "**/*.zip": this one expands to more than 256 alternatives',
    ]],
    ['max_files of 0', '  sources: [{ name: s, type: directory, path: /x, max_files: 0 }]', ['line 6: backlog.sources[0].max_files: Too small: expected number to be >=1 (got 0)']],
    ['an http_json URL with a password', '  sources: [{ name: s, type: http_json, url: "http://u:p@127.0.0.1/q", items: n }]', [
      'line 6: backlog.sources[0].url: must not hold credentials (user:password@), which jaga never sends; a backlog endpoint that needs a login cannot be read: use a command source, which may hold the credentials in its own config (got "http://********@127.0.0.1/q")',
    ]],
    ['an empty path segment', '  sources: [{ name: s, type: http_json, url: "http://127.0.0.1/q", items: "a..b" }]', ['line 6: backlog.sources[0].items: must be a dotted path such as "queue.items" (got "a..b")']],
    ['an empty command', '  sources: [{ name: s, type: command, command: [] }]', ['line 6: backlog.sources[0].command: Too small: expected array to have >=1 items (got [])']],
    ['a timeout as long as the schedule', '  schedule: "*/10 * * * * *"\n  timeout: 10s', ['line 7: backlog.timeout: must be shorter than the schedule\'s interval (10s)']],
    ['a source name used twice', '  sources: [{ name: s, type: directory, path: /x }, { name: s, type: directory, path: /y }]', ['line 6: backlog.sources[1].name: backlog source name "s" is used twice']],
  ];
  for (const [name, section, expected] of rows) {
    test(name, () => assert.deepEqual(problemsOf(`${BASE}\nbacklog:\n${section}\n`), expected));
  }

  test('a heartbeat without grace', () => {
    assert.deepEqual(problemsOf(`${BASE}\nheartbeats: [{ name: upload }]\n`), [
      'line 5: heartbeats[0].grace: must be a duration such as "500ms", "30s", "5m", "4h" (got undefined)',
    ]);
  });

  test('a heartbeat named twice', () => {
    assert.deepEqual(problemsOf(`${BASE}\nheartbeats: [{ name: a, grace: 1m }, { name: a, grace: 1m }]\n`), ['line 5: heartbeats[1].name: heartbeat name "a" is used twice']);
  });
});

describe('JAGA_HEARTBEAT_TOKENS', () => {
  const withHeartbeats = `${BASE}\nheartbeats: [{ name: upload, grace: 15m }, { name: arsip, grace: 1d }]\n`;

  test('tokens per heartbeat; two tokens may share one', () => {
    const config = parseConfig(withHeartbeats, 'jaga.yaml', { JAGA_HEARTBEAT_TOKENS: 'upload=0123456789abcdef-pc1, upload=0123456789abcdef-pc2,arsip=0123456789abcdef-ars' });
    assert.deepEqual(config.heartbeatTokens, [
      { heartbeat: 'upload', token: '0123456789abcdef-pc1' },
      { heartbeat: 'upload', token: '0123456789abcdef-pc2' },
      { heartbeat: 'arsip', token: '0123456789abcdef-ars' },
    ]);
  });

  const bad: [string, string, string][] = [
    ['not name=token', 'upload', 'JAGA_HEARTBEAT_TOKENS: each entry must be heartbeat=secret'],
    ['a heartbeat the config does not have', 'unggah=0123456789abcdef', 'JAGA_HEARTBEAT_TOKENS: "unggah" is not a heartbeat in the config (the config\'s heartbeats are upload, arsip)'],
    ['a short token', 'upload=short', 'JAGA_HEARTBEAT_TOKENS: the token for "upload" must be at least 16 characters'],
    ['an admin\'s token', `upload=${ADMIN.split('=')[1]}`, 'JAGA_HEARTBEAT_TOKENS: the token for "upload" is used elsewhere too: give each heartbeat token its own secret'],
    ['one token twice', 'upload=0123456789abcdef,arsip=0123456789abcdef', 'JAGA_HEARTBEAT_TOKENS: the token for "arsip" is used elsewhere too: give each heartbeat token its own secret'],
  ];
  for (const [name, value, problem] of bad) {
    test(`refused: ${name}`, () => {
      assert.deepEqual(problemsOf(withHeartbeats, { JAGA_ADMIN_TOKENS: ADMIN, JAGA_HEARTBEAT_TOKENS: value }), [problem]);
    });
  }

  test('without heartbeats in the config, any token is refused with that said', () => {
    assert.deepEqual(problemsOf(BASE, { JAGA_HEARTBEAT_TOKENS: 'upload=0123456789abcdef' }), [
      'JAGA_HEARTBEAT_TOKENS: "upload" is not a heartbeat in the config (the config lists no heartbeats)',
    ]);
  });
});
