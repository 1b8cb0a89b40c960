// Storage faults (issue 7): inodes exhausted while bytes are free, a volume already unmounted when jaga
// starts (require_mount_point), and jaga's own state database on a full disk. Real tmpfs mounts (root), jaga as a real process.
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { fastCentral, fastStorage, httpTarget, tempVolume } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { hasReason, JagaProcess, type GateAnswer } from '../helpers/jaga-process.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes files of each size in turn until the filesystem says ENOSPC; returns how many it wrote. */
function fill(dir: string, sizes: readonly number[]): number {
  let count = 0;
  for (const size of sizes) {
    for (;;) {
      try {
        writeFileSync(join(dir, `filler-${count}`), Buffer.alloc(size, 1));
        count += 1;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        break;
      }
    }
  }
  return count;
}

const unfill = (dir: string) => {
  for (const name of readdirSync(dir)) if (name.startsWith('filler-')) rmSync(join(dir, name));
};

const metric = async (jaga: JagaProcess, pattern: RegExp): Promise<number> => Number(pattern.exec(await (await jaga.fetch('/metrics')).text())?.[1] ?? NaN);
const storeErrors = (jaga: JagaProcess) => metric(jaga, /^jaga_store_errors_total (\d+)$/m);

async function allow(jaga: JagaProcess): Promise<Response> {
  return jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify({ action: 'allow', reason: 'uji override', for: '10m' }) });
}

describe('inodes exhausted while bytes are free', () => {
  let volume: Tmpfs;
  let central: FakeCentral;
  let jaga: JagaProcess;
  before(async () => {
    volume = mountTmpfs('size=8m,nr_inodes=64');
    central = await FakeCentral.start();
    jaga = await JagaProcess.create({
      central: fastCentral([httpTarget(central.url)]),
      storage: fastStorage([{ name: 'rekaman', path: volume.dir, require_mount_point: true }]),
      gate: { resume_after: '1s' },
    });
    await jaga.start();
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'the gate to open');
  });
  after(async () => {
    await jaga?.cleanup();
    await central?.close();
    volume?.remove();
  });

  test('halts with INODES_CRITICAL (not a byte reason), and an allow override does not lift it', async () => {
    assert.ok(fill(volume.dir, [0]) > 50, 'the inode table filled with empty files');
    const { gate } = await jaga.waitForGate((g) => hasReason(g, 'INODES_CRITICAL'), 10_000, 'INODES_CRITICAL');
    assert.equal(gate.state, 'halted');
    assert.deepEqual(gate.reasons.map((r) => r.code), ['INODES_CRITICAL'], 'bytes are free: no storage or write-probe reason');
    const response = await allow(jaga);
    assert.equal(response.status, 201);
    const overridden = await jaga.gate();
    assert.equal(overridden.state, 'halted');
    assert.deepEqual(overridden.reasons.map((r) => r.code), ['INODES_CRITICAL']);
    assert.equal(overridden.override?.action, 'allow');
    await sleep(2_000); // fresh probes and decisions with the override in force
    assert.deepEqual((await jaga.gate()).reasons.map((r) => r.code), ['INODES_CRITICAL']);

    unfill(volume.dir);
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'inodes free again');
  });
});

describe('require_mount_point, and jaga started while the volume is already unmounted', () => {
  let volume: Tmpfs;
  let central: FakeCentral;
  let jaga: JagaProcess;
  before(async () => {
    volume = mountTmpfs('size=8m');
    writeFileSync(join(volume.dir, 'recording'), Buffer.alloc(2 * 1024 * 1024, 1));
    volume.unmount(); // the directory now shows the parent filesystem
    central = await FakeCentral.start();
    jaga = await JagaProcess.create({
      central: fastCentral([httpTarget(central.url)]),
      storage: fastStorage([{ name: 'rekaman', path: volume.dir, require_mount_point: true }]),
      gate: { resume_after: '1s' },
    });
  });
  after(async () => {
    await jaga?.cleanup();
    await central?.close();
    volume?.remove();
  });

  test('halts with not_mounted from the first round and never reports the parent filesystem\'s numbers', async () => {
    await jaga.start();
    const seen: GateAnswer[] = [];
    const { gate } = await jaga.waitForGate(
      (g) => (seen.push(g), hasReason(g, 'VOLUME_UNAVAILABLE')),
      10_000,
      'VOLUME_UNAVAILABLE',
    );
    assert.ok(seen.every((g) => g.state === 'halted'), 'never allowed on the way');
    assert.equal(gate.reasons.find((r) => r.code === 'VOLUME_UNAVAILABLE')?.facts.failure, 'not_mounted');
    await sleep(2_000);
    const status = (await (await jaga.adminFetch('/api/v1/status')).json()) as { volumes: Record<string, unknown>[] };
    const view = status.volumes[0] ?? {};
    assert.deepEqual(
      [view.available, view.failure, view.size_bytes, view.avail_bytes, view.used_ratio, view.files_used_ratio],
      [false, 'not_mounted', null, null, null, null],
      JSON.stringify(view),
    );
    const metrics = await (await jaga.fetch('/metrics')).text();
    assert.match(metrics, /^jaga_volume_available\{volume="rekaman"\} 0$/m);
    assert.doesNotMatch(metrics, /^jaga_volume_(size_bytes|avail_bytes|used_ratio|files_used_ratio)\{volume="rekaman"\}/m, 'no numbers for a volume never seen mounted');
    assert.equal((await jaga.gate()).state, 'halted');
  });
});

describe("jaga's own state database on a full disk", () => {
  const OPERATOR = 'ti@uji.go.id';
  const KABID = 'kabid@uji.go.id';
  let disk: Tmpfs;
  let central: FakeCentral;
  let smtp: TestSmtpServer;
  let jaga: JagaProcess;
  const subjects = (to: string) => smtp.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.subject ?? '');

  before(async () => {
    disk = mountTmpfs('size=4m');
    central = await FakeCentral.start();
    smtp = await startSmtpServer();
    jaga = await JagaProcess.create({
      data_dir: disk.dir,
      central: fastCentral([httpTarget(central.url)], { failure_threshold: 2 }),
      storage: fastStorage([tempVolume()]),
      gate: { resume_after: '1s' },
      alerts: {
        language: 'en',
        group_wait: '1s',
        group_interval: '2s',
        rules: { jaga_degraded: { for: '1s' } },
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '2s' },
        outbox: { retry_initial: '200ms', retry_max: '1s' },
        recipients: [
          { name: 'Operator TI', email: OPERATOR, role: 'operator' },
          { name: 'Kabid', email: KABID, role: 'department_head' },
        ],
      },
    });
    await jaga.start();
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'the gate to open');
  });
  after(async () => {
    await jaga?.cleanup();
    await central?.close();
    await smtp?.close();
    disk?.remove();
  });

  test('full: the gate answers and decides from memory, nothing crashes, errors count, alerts still go out', async () => {
    const errorsBefore = await storeErrors(jaga);
    fill(disk.dir, [256 * 1024, 4 * 1024]);
    await jaga.waitFor(async () => (await storeErrors(jaga)) > errorsBefore, 15_000, 'jaga_store_errors_total to grow');
    // The operator hears that jaga itself is in trouble, though the outbox is in the full database.
    await smtp.waitFor(() => subjects(OPERATOR).some((s) => /jaga monitor degraded/.test(s)), 15_000, 'JagaDegraded by email');

    const started = Date.now();
    assert.equal((await jaga.gate()).state, 'allowed');
    assert.ok(Date.now() - started < 1_000, 'the gate answers at once');
    assert.equal((await jaga.fetch('/healthz')).status, 200);

    // Still deciding: a central outage halts, and the halt is emailed, from memory.
    await central.set('refuse');
    await jaga.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 10_000, 'the outage to halt the gate');
    await smtp.waitFor(() => subjects(KABID).some((s) => /recording halted/i.test(s)), 15_000, 'the halt email to the department head');
    const errorsLater = await storeErrors(jaga);
    await sleep(2_000);
    assert.ok((await storeErrors(jaga)) > errorsLater, 'still failing, still counted');
    assert.ok(jaga.pid !== undefined, 'the process is alive');
    assert.equal((await jaga.fetch('/healthz')).status, 200);
    const errorLines = jaga.logs.split('\n').filter((l) => /"msg":"(still )?cannot write/.test(l)).length;
    assert.ok(errorLines <= 6, `${errorLines} error lines: a full disk must not flood the log`);
  });

  test('space back: the state is written, consistent, and survives a restart without a second email', async () => {
    unfill(disk.dir);
    // The halt transition made while the disk was full reaches the history (it is read from SQLite).
    await jaga.waitFor(async () => {
      const history = (await (await jaga.fetch('/api/v1/history')).json()) as { items: { to: string }[] };
      return history.items[0]?.to === 'halted';
    }, 10_000, 'the halt transition in the stored history');
    const errors = await storeErrors(jaga);
    await sleep(2_000);
    assert.equal(await storeErrors(jaga), errors, 'writes work again');
    const mails = smtp.received.length;
    const before = await jaga.gate();
    assert.equal(await jaga.stop(), 0);

    const db = new BetterSqlite3(join(disk.dir, 'jaga.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT message_id AS id, status FROM notifications').all() as { id: string; status: string }[];
      const sentIds = smtp.received.map((m) => m.messageId).sort();
      assert.deepEqual(rows.map((r) => r.id).sort(), sentIds, 'every email sent from memory is now in the outbox, once');
      assert.ok(rows.every((r) => r.status === 'sent'), JSON.stringify(rows));
    } finally {
      db.close();
    }

    await jaga.start();
    const after = await jaga.gate();
    assert.equal(after.state, 'halted', 'back halted at once');
    assert.equal(after.since, before.since);
    await sleep(4_000);
    assert.equal(smtp.received.length, mails, 'no email sent twice after the restart');
    assert.equal(new Set(smtp.received.map((m) => m.messageId)).size, mails);
    await central.set('ok');
  });
});
