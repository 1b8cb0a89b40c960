import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
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

test('defaults fill a minimal file', () => {
  const config = parseConfig(
    'central:\n  targets: [{ name: a, type: tcp, host: 127.0.0.1, port: 1 }]\nstorage:\n  volumes: [{ name: v, path: /srv }]\n',
    'min.yaml',
    {},
  );
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 9469 });
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
