// The alert channel table: every entry fits, and a recipient's addresses come from it. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecipientConfig } from '../../src/config/schema.js';
import { ALERT_CHANNEL_NAMES, alertChannel, recipientAddresses } from '../../src/notifiers/registry.js';

const recipient = (extra: Partial<RecipientConfig> = {}): RecipientConfig => ({ name: 'Kabid', email: 'kabid@disdukcapil.go.id', role: 'department_head', ...extra });

test('every channel of the table is found by its name; an unknown name is null', () => {
  assert.ok(ALERT_CHANNEL_NAMES.length > 0);
  for (const name of ALERT_CHANNEL_NAMES) assert.ok(alertChannel(name), name);
  assert.equal(alertChannel('pigeon'), null);
  assert.equal(alertChannel('constructor'), null, 'no prototype property is a channel');
});

test('an email recipient: one address, whose id is the address itself (groups and Message-IDs saved before carry over)', () => {
  assert.deepEqual(recipientAddresses(recipient()), [{ id: 'kabid@disdukcapil.go.id', channel: 'email', address: 'kabid@disdukcapil.go.id' }]);
});
