import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactConfig, redactText, shownValue } from '../../src/config/redact.js';

describe('redactText masks what looks secret in a string, and nothing else', () => {
  const rows: [string, string][] = [
    ['https://kantor:rahasia@pusat.go.id/health', 'https://********@pusat.go.id/health'],
    ['https://tokenonly@hook.test/x', 'https://********@hook.test/x'],
    ['https://hook.test/x?site=a&access_token=abc&b=1', 'https://hook.test/x?site=a&access_token=********&b=1'],
    ['http://h/?api_key=1;b=2', 'http://h/?api_key=********;b=2'],
    ['--password=hunter2', '--password=********'],
    ['Authorization: Bearer abcdefghijkl', 'Authorization: ********'],
    ['X-Api-Key: zzz', 'X-Api-Key: ********'],
    ['curl -H "Bearer abcdefghijkl"', 'curl -H "Bearer ********"'],
    ['http://127.0.0.1:9470/health', 'http://127.0.0.1:9470/health'],
    ['Rekam di loket 3; token antrean di meja depan', 'Rekam di loket 3; token antrean di meja depan'],
  ];
  for (const [text, expected] of rows) test(text, () => assert.equal(redactText(text), expected));
});

test('redactConfig masks secret-named keys whole and the argument after a secret-named option', () => {
  assert.deepEqual(
    redactConfig({
      adminTokens: [{ name: 'kabid', token: '0123456789abcdef' }],
      smtpPassword: 'x',
      webhookSecret: null,
      alerts: { smtp: { user: 'jaga', allow_plaintext_auth: true } },
      command: ['notify', '--token', 'abc', '-v', 'plain'],
    }),
    {
      adminTokens: [{ name: 'kabid', token: '********' }],
      smtpPassword: '********',
      webhookSecret: null,
      alerts: { smtp: { user: 'jaga', allow_plaintext_auth: true } },
      command: ['notify', '--token', '********', '-v', 'plain'],
    },
  );
});

test('shownValue quotes a value for an error message: masked, short, Infinity by name', () => {
  assert.equal(shownValue('https://u:p@h/'), '"https://********@h/"');
  assert.equal(shownValue(Infinity), 'Infinity');
  assert.equal(shownValue(['a']), '["a"]');
  assert.equal(shownValue('9'.repeat(100)), `"${'9'.repeat(78)}…`);
});
