// AlertmanagerPusher against hostile loopback servers: whatever the answer's size, jaga reads a few KiB
// of it, keeps a short excerpt as the error, and closes the connection. Loopback network I/O.
import assert from 'node:assert/strict';
import { systemClock } from '../../src/runtime/clock.js';
import { test } from 'node:test';
import { AlertmanagerPusher } from '../../src/notifiers/alertmanager.js';
import type { Alert } from '../../src/core/alerts/types.js';
import { EndlessAnswer, type EndlessAnswerOptions } from '../helpers/endless-answer.js';
import { captureLogs } from '../helpers/gate-actions.js';
import { waitFor } from '../helpers/wait.js';

const firing: Alert = {
  key: 'CentralUnreachable{}',
  name: 'CentralUnreachable',
  severity: 'critical',
  labels: { alertname: 'CentralUnreachable', severity: 'critical', site: 'sampit' },
  state: 'firing',
  activeSince: Date.now() - 60_000,
  firingSince: Date.now() - 30_000,
  values: {},
};

/** Pushes one firing alert to a server answering `answer`; returns the push's result and what was logged. */
async function pushTo(answer: EndlessAnswerOptions): Promise<{ results: string[]; warnings: string[]; server: EndlessAnswer }> {
  const server = await EndlessAnswer.start(answer);
  const { logger, lines } = captureLogs();
  const results: string[] = [];
  // A timeout long enough that reading the whole answer would end in it, not in a result from the status.
  const pusher = new AlertmanagerPusher(
    { url: server.url(), timeoutMs: 10_000, generatorUrl: 'http://jaga.example/', language: 'en' },
    { clock: systemClock, logger, onResult: (result) => results.push(result) },
  );
  pusher.update([firing]);
  try {
    await waitFor(() => results.length === 1, 5_000, 'the push to finish', { describe: () => `${server.sentBytes} bytes sent` });
    await waitFor(() => server.openConnections === 0, 5_000, 'jaga to close the connection');
  } finally {
    await server.close();
  }
  const warnings = lines.filter((l) => l.msg === 'cannot push alerts to Alertmanager').map((l) => String((l.err as { message?: string }).message));
  return { results, warnings, server };
}

// Loopback socket buffers hold a few MB; reading an answer through would have moved gigabytes.
const FEW_MB = 32 * 1024 * 1024;

test('an endless error answer: failed, with a short excerpt, a bounded read', async () => {
  const { results, warnings, server } = await pushTo({ status: 500, prefix: 'busy ' });
  assert.deepEqual(results, ['failed']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^HTTP 500: busy x{195}…$/);
  assert.ok(server.sentBytes < FEW_MB, `${server.sentBytes} bytes sent`);
});

test('an accepting answer with an endless or a huge announced body: sent, a bounded read', async () => {
  for (const answer of [{ status: 200, contentType: 'application/json', prefix: '{' }, { status: 200, announcedBytes: 8 * 1024 ** 3 }]) {
    const { results, server } = await pushTo(answer);
    assert.deepEqual(results, ['sent']);
    assert.ok(server.sentBytes < FEW_MB, `${server.sentBytes} bytes sent`);
  }
});
