// The terminal form of the log: remote text in a log line cannot reorder or drive the operator's terminal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/runtime/logger.js';

test('on a terminal, DEL, C1 controls and bidi overrides in logged text become U+FFFD; colours stay', async () => {
  const written: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const logger = await createLogger('info', true);
    logger.warn({ detail: 'HTTP 500: \u202eKO LLA\u202c \u009b2J \u007f' }, 'webhook \u2066answer\u2069 refused');
  } finally {
    process.stdout.write = original;
  }
  const line = written.join('');
  assert.doesNotMatch(line, /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.match(line, /webhook \ufffdanswer\ufffd refused/);
  assert.match(line, /\ufffdKO LLA\ufffd \ufffd2J \ufffd/);
  assert.match(line, /\u001b\[/, 'pino-pretty still colours');
});
