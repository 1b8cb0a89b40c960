// `jaga test-email` as users run it: the built CLI as a real process, a real SMTP server on 127.0.0.1.
// The alert emails themselves (grouping, resolved, outbox, silences) run on virtual time in
// test/sim/alert-emails.test.ts; one real email from a real jaga stays in test/faults/email.test.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fastConfig } from '../helpers/config.js';
import { BIN, JagaProcess } from '../helpers/jaga-process.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp-server.js';

let smtp: TestSmtpServer;
/** Only its config file is used: test-email needs no running jaga. */
let jaga: JagaProcess;

before(async () => {
  smtp = await startSmtpServer();
  jaga = await JagaProcess.create(
    fastConfig('http://127.0.0.1:9/health', {
      site: 'palangkaraya',
      alerts: {
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
        recipients: [{ name: 'Kabid PIAK', email: 'kabid@uji.go.id', role: 'department_head' }],
      },
    }),
  );
});

after(async () => {
  await jaga?.cleanup();
  await smtp?.close();
});

describe('jaga test-email', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'test-email', '--config', jaga.configFile, ...args], { timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      );
    });

  test('accepted: exit 0 and a plain statement', async () => {
    const before = smtp.received.length;
    const result = await run(['--to', 'coba@uji.go.id']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /coba@uji\.go\.id/);
    await smtp.waitFor(() => smtp.received.length > before, 5_000, 'the test message');
    assert.equal((smtp.received.at(-1) as ReceivedMail).envelopeTo.join(','), 'coba@uji.go.id');
  });

  test('refused: exit 1 with the server\'s answer', async () => {
    smtp.rejectRecipient('tolak@uji.go.id', 550);
    const result = await run(['--to', 'tolak@uji.go.id']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /tolak@uji\.go\.id[\s\S]*550/);
    smtp.clearRejections();
  });
});
