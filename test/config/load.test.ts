import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { plaintextLoginWarning } from '../../src/notifiers/email.js';
import { ConfigError, maskedConfig, parseAdminTokens, parseConfig } from '../../src/config/load.js';

const example = readFileSync(new URL('../../jaga.example.yaml', import.meta.url), 'utf8');

function problemsOf(text: string, env = {}): readonly string[] {
  try {
    parseConfig(text, 'jaga.yaml', env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

/** The example with one piece of text replaced; the replacement must happen. */
function edited(from: string, to: string): string {
  assert.ok(example.includes(from), `example lacks ${from}`);
  return example.replace(from, to);
}

test('the bundled example is valid and gets its defaults and units', () => {
  const config = parseConfig(example, 'jaga.example.yaml', {});
  assert.equal(config.central.timeout, 3_000);
  assert.equal(config.central.targets[0]?.type, 'http');
  assert.equal(config.storage.volumes[0]?.fill_window, 3_600_000);
  assert.equal(config.storage.volumes[0]?.write_probe, true);
  assert.equal(config.gate.resume_after, 30_000);
  assert.equal(config.store.sample_retention, 35 * 86_400_000);
  assert.equal(config.time_zone, 'Asia/Jakarta');
  assert.ok(Object.isFrozen(config.central.targets), 'config is immutable');
});

/** The yaml blocks of one README section, from its "## " heading to the next. */
function readmeYaml(heading: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no section ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).join('');
}

test('the data at risk: the example\'s commented block and the README\'s examples are valid', () => {
  const commented = example.slice(example.indexOf('# backlog:'));
  assert.ok(commented.startsWith('# backlog:') && commented.includes('# heartbeats:'), 'the example keeps its commented block');
  const uncommented = commented.replace(/^# ?/gm, '');
  const env = { JAGA_HEARTBEAT_TOKENS: 'unggah=0123456789abcdef' };
  const config = parseConfig(example + uncommented, 'jaga.example.yaml', env);
  const source = config.backlog.sources[0];
  assert.equal(source?.type, 'directory');
  assert.deepEqual([source.max_files, source.halt_items, source.halt_oldest_age, source.resume_fraction, source.halt_when_unavailable], [1_000_000, 10_000, 3 * 86_400_000, 0.8, false]);
  assert.deepEqual(config.heartbeats, [{ name: 'unggah', grace: 7_200_000, halt: true }]);
  assert.deepEqual(config.heartbeatTokens, [{ heartbeat: 'unggah', token: '0123456789abcdef' }]);

  const documented = parseConfig(example + readmeYaml('Data at risk'), 'README.md', env);
  assert.deepEqual(documented.backlog.sources.map((s) => s.type), ['directory', 'http_json', 'command']);
  assert.equal(documented.backlog.timeout, 10_000);
  assert.deepEqual(documented.heartbeats.map((h) => h.name), ['unggah']);
});

test('defaults fill a minimal file', () => {
  const config = parseConfig(
    'central:\n  targets: [{ name: a, type: tcp, host: 127.0.0.1, port: 1 }]\nstorage:\n  volumes: [{ name: v, path: /srv }]\n',
    'min.yaml',
    {},
  );
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 9469, trusted_proxies: [] });
  assert.equal(config.central.schedule, '*/15 * * * * *');
  assert.equal(config.central.failure_threshold, 3);
  assert.equal(config.gate.on_central_down, 'halt');
  assert.equal(config.gate.resume_after, 120_000);
  const volume = config.storage.volumes[0];
  assert.deepEqual([volume?.warn_ratio, volume?.halt_ratio, volume?.resume_ratio, volume?.floor_ratio], [0.85, 0.9, 0.85, 0.95]);
  assert.equal(volume?.halt_eta, 4 * 3_600_000);
  const target = config.central.targets[0];
  assert.equal(target?.type === 'tcp' && target.timeout, undefined);
});

describe('each invalid file names the line, the key path and what is expected', () => {
  const rows: [string, string, string[]][] = [
    ['wrong type', 'failure_threshold: 3', ['line 17: central.failure_threshold: must be a number (got "three")']],
    ['unknown key', 'log_level: info', ['line 12: log_levle: unknown key (check the spelling against the README)']],
    ['nested unknown key', '  port: 9469', ['line 10: listen.prot: unknown key (check the spelling against the README)']],
    ['ratio out of range', 'floor_ratio: 0.95', ['line 44: storage.volumes[0].floor_ratio: must be between 0 and 1 (got 1.2)']],
    ['bad duration', 'timeout: 3s', ['line 16: central.timeout: must be a duration such as "500ms", "30s", "5m", "4h" (got "3 seconds")']],
    ['resume above halt', 'resume_ratio: 0.85', ['line 43: storage.volumes[0].resume_ratio: must be below halt_ratio (0.9)']],
    ['file: URL refused', 'url: http://127.0.0.1:9470/health', ['line 23: central.targets[0].url: must be an http:// or https:// URL (got "file:///etc/passwd")']],
    ['unknown target type', 'type: tcp', ['line 28: central.targets[1].type: must have type http, tcp or dns (got "icmp")']],
    ['duplicate name', 'name: pusat-vpn', ['line 27: central.targets[1].name: target name "pusat-api" is used twice']],
    ['bad cron', 'schedule: "*/5 * * * * *"', ['line 15: central.schedule: must be a cron expression (dayOfWeek: 99 is a invalid expression for week day)']],
  ];
  const replacement: Record<string, string> = {
    'wrong type': 'failure_threshold: "three"',
    'unknown key': 'log_levle: info',
    'nested unknown key': '  prot: 9469',
    'ratio out of range': 'floor_ratio: 1.2',
    'bad duration': 'timeout: 3 seconds',
    'resume above halt': 'resume_ratio: 0.95',
    'file: URL refused': 'url: file:///etc/passwd',
    'unknown target type': 'type: icmp',
    'duplicate name': 'name: pusat-api',
    'bad cron': 'schedule: "*/5 * * * * 99"',
  };
  for (const [name, from, expected] of rows) {
    test(name, () => assert.deepEqual(problemsOf(edited(from, replacement[name] as string)), expected));
  }

  test('missing sections', () => {
    assert.deepEqual(problemsOf('site: x\n'), ['central: is required', 'storage: is required']);
  });

  test('YAML syntax error with line and column', () => {
    assert.deepEqual(problemsOf('site: [a'), [
      'line 1, column 9: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });
});

describe('admin tokens from the environment', () => {
  test('named tokens', () => {
    assert.deepEqual(parseAdminTokens('kabid=0123456789abcdef, it=fedcba9876543210'), [
      { name: 'kabid', token: '0123456789abcdef' },
      { name: 'it', token: 'fedcba9876543210' },
    ]);
    assert.deepEqual(parseAdminTokens(undefined), []);
  });
  const bad: [string, string][] = [
    ['nameless', 'JAGA_ADMIN_TOKENS: each entry must be name=secret, names of letters, digits, "_", "." or "-"'],
    ['=0123456789abcdef', 'JAGA_ADMIN_TOKENS: each entry must be name=secret, names of letters, digits, "_", "." or "-"'],
    ['a=short', 'JAGA_ADMIN_TOKENS: the token for "a" must be at least 16 characters'],
    ['a=0123456789abcdef,a=0123456789abcdeg', 'JAGA_ADMIN_TOKENS: the name "a" is used twice'],
    [
      'kabid=0123456789abcdef,it=fedcba9876543210,operator=0123456789abcdef',
      'JAGA_ADMIN_TOKENS: "kabid" and "operator" have the same token: give each person their own, so the audit knows who acted',
    ],
  ];
  for (const [value, message] of bad) test(value, () => assert.equal(parseAdminTokens(value), message));

  test('a bad token refuses the config, and check-config output masks secrets', () => {
    assert.deepEqual(problemsOf(example, { JAGA_ADMIN_TOKENS: 'a=short' }), ['JAGA_ADMIN_TOKENS: the token for "a" must be at least 16 characters']);
    const config = parseConfig(example, 'jaga.yaml', { JAGA_ADMIN_TOKENS: 'kabid=0123456789abcdef' });
    assert.ok(!JSON.stringify(maskedConfig(config)).includes('0123456789abcdef'));
    assert.equal(config.adminTokens[0]?.token, '0123456789abcdef');
  });
});

test('a timeout as long as the schedule interval is refused (the next run would be skipped)', () => {
  assert.deepEqual(problemsOf(edited('timeout: 3s', 'timeout: 5s')), [
    "line 16: central.timeout: must be shorter than the schedule's interval (5s)",
  ]);
  assert.deepEqual(problemsOf(edited('  timeout: 5s', '  timeout: 10s')), [
    "line 37: storage.timeout: must be shorter than the schedule's interval (10s)",
  ]);
});

test('tls_ca must be a readable PEM file', () => {
  const withCa = (path: string) => edited('      max_latency: 2s', `      max_latency: 2s\n      tls_ca: ${path}`);
  assert.deepEqual(problemsOf(withCa('/nonexistent/ca.pem')), ['line 27: central.targets[0].tls_ca: cannot read /nonexistent/ca.pem (ENOENT)']);
  assert.deepEqual(problemsOf(withCa('/etc/hostname')), ['line 27: central.targets[0].tls_ca: /etc/hostname holds no PEM certificate']);
});

test('a sender that is not one address is refused at load, with its line (check-config says so too)', () => {
  const withFrom = (from: string) =>
    [
      'central:',
      '  targets: [{ name: a, type: tcp, host: 127.0.0.1, port: 1 }]',
      'storage:',
      '  volumes: [{ name: v, path: /srv }]',
      'alerts:',
      '  smtp:',
      '    host: 127.0.0.1',
      `    from: ${JSON.stringify(from)}`,
      '',
    ].join('\n');
  assert.deepEqual(problemsOf(withFrom('Jaga <a@x.id>, b@y.id')), [
    'line 8: alerts.smtp.from: must be one address, optionally with a name ("Jaga Kantor <jaga@dinas.go.id>"); got "Jaga <a@x.id>, b@y.id"',
  ]);
  assert.equal(problemsOf(withFrom('jaga <a@x.id>\r\nBcc: evil@y.id')).length, 1);
  assert.equal(parseConfig(withFrom('Jaga Kantor <jaga@dinas.go.id>'), 'jaga.yaml', {}).alerts?.smtp?.from, 'Jaga Kantor <jaga@dinas.go.id>');
});

describe('issue 16: every duration and size has a maximum, zero is refused where it cannot work', () => {
  const huge = '9'.repeat(400);
  const rows: [string, string, string, string[]][] = [
    ['resume_after far past the date range', 'resume_after: 30s', 'resume_after: 100000000d', ['line 51: gate.resume_after: must be at most 1d (got "100000000d")']],
    ['a duration whose digits overflow', 'halt_eta: 4h', `halt_eta: ${huge}h`, [`line 46: storage.volumes[0].halt_eta: must be at most 30d (got "${'9'.repeat(78)}…)`]],
    ['a zero central timeout', 'timeout: 3s', 'timeout: 0s', ['line 16: central.timeout: must be longer than 0s (got "0s")']],
    ['a zero storage timeout', '  timeout: 5s', '  timeout: 0ms', ['line 37: storage.timeout: must be longer than 0s (got "0ms")']],
    ['a zero target timeout', '      max_latency: 2s', '      max_latency: 2s\n      timeout: 0s', ['line 27: central.targets[0].timeout: must be longer than 0s (got "0s")']],
    [
      'retention: zero samples, transitions past 400 days',
      'log_level: info',
      'log_level: info\nstore: { sample_retention: 0s, transition_retention: 401d }',
      ['line 13: store.sample_retention: must be longer than 0s (got "0s")', 'line 13: store.transition_retention: must be at most 400d (got "401d")'],
    ],
    ['a size past 1 PiB', 'fill_window: 1h', 'fill_window: 1h\n      min_free_bytes: 2PiB', ['line 46: storage.volumes[0].min_free_bytes: must be at most 1PiB (got "2PiB")']],
    ['an overflowing size number', 'fill_window: 1h', 'fill_window: 1h\n      min_free_bytes: 1e400', ['line 46: storage.volumes[0].min_free_bytes: must be at most 1PiB (got Infinity)']],
    ['an overflowing size text', 'fill_window: 1h', `fill_window: 1h\n      min_free_bytes: ${huge}TiB`, [`line 46: storage.volumes[0].min_free_bytes: must be at most 1PiB (got "${'9'.repeat(78)}…)`]],
    ['an infinite count', 'failure_threshold: 3', 'failure_threshold: .inf', ['line 17: central.failure_threshold: must be a finite number (got Infinity)']],
    [
      'gate action timeouts: zero, and past the maximum',
      'log_level: info',
      'log_level: info\ngate_actions: [{ type: webhook, url: "https://hook.test/x", timeout: 0s }, { type: command, command: [x], timeout: 11m }]',
      ['line 13: gate_actions[0].timeout: must be longer than 0s (got "0s")', 'line 13: gate_actions[1].timeout: must be at most 10m (got "11m")'],
    ],
    [
      'alerting: zero timeouts and group_interval, a rule waiting past a day',
      'log_level: info',
      [
        'log_level: info',
        'alerts:',
        '  smtp: { host: mail.test, from: jaga@kantor.test, timeout: 0s }',
        '  alertmanager: { url: "http://127.0.0.1:9093/", timeout: 0s }',
        '  group_interval: 0s',
        '  rules: { central_slow: { for: 2d } }',
      ].join('\n'),
      [
        'line 16: alerts.group_interval: must be longer than 0s (got "0s")',
        'line 17: alerts.rules.central_slow.for: must be at most 1d (got "2d")',
        'line 14: alerts.smtp.timeout: must be longer than 0s (got "0s")',
        'line 15: alerts.alertmanager.timeout: must be longer than 0s (got "0s")',
      ],
    ],
  ];
  for (const [name, from, to, expected] of rows) {
    test(name, () => assert.deepEqual(problemsOf(edited(from, to), { JAGA_WEBHOOK_SECRET: 'x' }), expected));
  }
});

describe('issue 16: URLs say what is wrong with them, and hold no credentials', () => {
  const targetUrl = 'url: http://127.0.0.1:9470/health';
  const rows: [string, string, string, string[]][] = [
    ['a port out of range', targetUrl, 'url: http://127.0.0.1:99999/health', ['line 23: central.targets[0].url: port 99999 is out of range 1-65535 (got "http://127.0.0.1:99999/health")']],
    ['port 0', targetUrl, 'url: http://127.0.0.1:0/health', ['line 23: central.targets[0].url: port 0 is out of range 1-65535 (got "http://127.0.0.1:0/health")']],
    [
      'a target with user:password@, never echoed',
      targetUrl,
      'url: https://kantor:rahasia@127.0.0.1:9470/health',
      [
        'line 23: central.targets[0].url: must not hold credentials (user:password@), which jaga never sends; a central server that needs a login cannot be probed: probe a health URL that answers without one, or the port with a tcp target (got "https://********@127.0.0.1:9470/health")',
      ],
    ],
    [
      'a webhook with a token as user',
      'log_level: info',
      'log_level: info\ngate_actions: [{ type: webhook, url: "https://tokenrahasia@hook.test/x" }]',
      [
        'line 13: gate_actions[0].url: must not hold credentials (user:password@), which jaga never sends; receivers authenticate deliveries by their x-jaga-signature header (HMAC-SHA256 keyed with JAGA_WEBHOOK_SECRET) (got "https://********@hook.test/x")',
      ],
    ],
    [
      'Alertmanager with a login',
      'log_level: info',
      'log_level: info\nalerts:\n  alertmanager: { url: "http://am:pw@127.0.0.1:9093/" }',
      [
        'line 14: alerts.alertmanager.url: must not hold credentials (user:password@), which jaga never sends; an Alertmanager login is not supported: let jaga reach it without one (the office network, or a local proxy that adds it) (got "http://********@127.0.0.1:9093/")',
      ],
    ],
    [
      'a public_url with a login',
      'log_level: info',
      'log_level: info\npublic_url: https://a:b@jaga.kantor.go.id/',
      [
        'line 13: public_url: must not hold credentials (user:password@), which jaga never sends; this address is printed in emails and on pages, so they would be published: give the address people open (got "https://********@jaga.kantor.go.id/")',
      ],
    ],
  ];
  for (const [name, from, to, expected] of rows) {
    test(name, () => assert.deepEqual(problemsOf(edited(from, to), { JAGA_WEBHOOK_SECRET: 'x' }), expected));
  }
});

describe('listen.trusted_proxies', () => {
  test('addresses and CIDRs of both families', () => {
    const config = parseConfig(edited('  port: 9469', '  port: 9469\n  trusted_proxies: [127.0.0.1, 10.0.0.0/8, "::1", fd00::/8]'), 'jaga.yaml', {});
    assert.deepEqual(config.listen.trusted_proxies, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
  });
  test('anything else is refused, entry by entry', () => {
    assert.deepEqual(problemsOf(edited('  port: 9469', '  port: 9469\n  trusted_proxies: [127.0.0.1, 10.0.0.0/33, proxy.lan, "::1/129", 10.0.0.0/8/8]')), [
      'line 11: listen.trusted_proxies[1]: must be an IP address or CIDR such as 10.0.0.0/8',
      'line 11: listen.trusted_proxies[2]: must be an IP address or CIDR such as 10.0.0.0/8',
      'line 11: listen.trusted_proxies[3]: must be an IP address or CIDR such as 10.0.0.0/8',
      'line 11: listen.trusted_proxies[4]: must be an IP address or CIDR such as 10.0.0.0/8',
    ]);
  });
});

describe('an SMTP login without TLS', () => {
  const withSmtp = (extra: string) => `${example}alerts:\n  smtp:\n    host: mail.test\n    tls: none\n    user: jaga\n    from: jaga@kantor.test\n${extra}`;
  test('is refused, naming alerts.smtp.allow_plaintext_auth', () => {
    // `user` is the fifth line after the example's last.
    const userLine = example.split('\n').length - 1 + 5;
    assert.deepEqual(problemsOf(withSmtp('')), [
      `line ${userLine}: alerts.smtp.user: with tls: none the password would cross the network as plain text: use tls: starttls or implicit, or set alerts.smtp.allow_plaintext_auth: true if the path to the server is trusted`,
    ]);
  });
  test('is allowed when said so, and jaga warns at start', () => {
    const smtp = parseConfig(withSmtp('    allow_plaintext_auth: true\n'), 'jaga.yaml', {}).alerts?.smtp;
    assert.ok(smtp !== undefined);
    assert.equal(
      plaintextLoginWarning(smtp),
      'alerts.smtp: the login as "jaga" sends its password as plain text (tls: none, allowed by alerts.smtp.allow_plaintext_auth)',
    );
    assert.equal(plaintextLoginWarning({ ...smtp, tls: 'starttls' }), null);
    assert.equal(plaintextLoginWarning({ ...smtp, user: undefined }), null);
  });
});

test('a "billion laughs" file is refused with the file and the line of its first alias', () => {
  const level = (name: string, of: string) => `${name}: &${name} [${Array(9).fill(of).join(', ')}]`;
  const bomb = [level('a', 'lol'), level('b', '*a'), level('c', '*b'), level('d', '*c'), level('e', '*d'), ''].join('\n');
  assert.throws(
    () => parseConfig(bomb, 'bomb.yaml', {}),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message === 'bomb.yaml: invalid configuration\n  - line 2, column 8: YAML: aliases expand to more than 100 copies (as in a "billion laughs" attack): write the values out',
  );
});

test('check-config output masks every secret-looking value, wherever it is', () => {
  const secrets = ['0123456789abcdef', 'smtp-rahasia', 'hook-rahasia', 'qtoken123', 'cmd-rahasia', 'argtoken99', 'bearer-rahasia-1'];
  const text = edited('log_level: info', [
    'log_level: info',
    'gate_actions:',
    '  - { type: webhook, url: "https://hook.test/x?token=qtoken123&site=a" }',
    '  - { type: command, command: [notify, --password, cmd-rahasia, --api-key=argtoken99, "Authorization: Bearer bearer-rahasia-1"] }',
  ].join('\n'));
  const config = parseConfig(text, 'jaga.yaml', { JAGA_ADMIN_TOKENS: 'kabid=0123456789abcdef', JAGA_SMTP_PASSWORD: 'smtp-rahasia', JAGA_WEBHOOK_SECRET: 'hook-rahasia' });
  const printed = JSON.stringify(maskedConfig(config));
  for (const secret of secrets) assert.ok(!printed.includes(secret), `${secret} is printed: ${printed}`);
  assert.ok(printed.includes('"name":"kabid"') && printed.includes('site=a') && printed.includes('notify'), 'what is no secret stays');
});

test('a config silence whose regex RE2 cannot run is refused, naming the matcher', () => {
  const problems = problemsOf(
    edited(
      'log_level: info',
      'log_level: info\nalerts:\n  silences:\n    - { match: { target: "~(?<=x)a" }, cron: "0 0 * * 0", duration: 2h, comment: mingguan }',
    ),
  );
  assert.equal(problems.length, 1);
  assert.match(problems[0] as string, /^line \d+: alerts\.silences\[0\]\.match\.target: not a valid regular expression for RE2/);
});
