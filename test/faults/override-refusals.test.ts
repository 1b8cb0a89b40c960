// Overrides jaga does not take, on a real process: past the cap of active overrides (409
// too_many_overrides), and on a full state disk (503 store_unavailable, nothing applied), from the JSON
// API and from /admin's form. The state database lives on a real tmpfs (root).
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fastConfig } from '../helpers/config.js';
import { FakeCentral } from '../helpers/fake-central.js';
import { ADMIN_TOKEN, hasReason, JagaProcess } from '../helpers/jaga-process.js';
import { mountTmpfs, type Tmpfs } from '../helpers/tmpfs.js';

const MAX_ACTIVE = 20;

let disk: Tmpfs;
let central: FakeCentral;
let jaga: JagaProcess;

before(async () => {
  disk = mountTmpfs('size=4m');
  central = await FakeCentral.start();
  jaga = await JagaProcess.create({
    data_dir: disk.dir,
    ...fastConfig(central.url),
    gate: { resume_after: '1s' },
  });
  await jaga.start();
  await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'the gate to open');
});
after(async () => {
  await jaga?.cleanup();
  await central?.close();
  disk?.remove();
});

const post = (body: Record<string, unknown>) => jaga.adminFetch('/api/v1/overrides', { method: 'POST', body: JSON.stringify(body) });
const activeIds = async (): Promise<string[]> =>
  ((await (await jaga.adminFetch('/api/v1/overrides')).json()) as { items: { id: string }[] }).items.map((o) => o.id);
async function liftAll(): Promise<void> {
  for (const id of await activeIds()) assert.equal((await jaga.adminFetch(`/api/v1/overrides/${id}`, { method: 'DELETE' })).status, 200);
}

/** A signed-in /admin session: its cookie and the CSRF token of its forms. */
async function adminSession(): Promise<{ postForm: (path: string, form: Record<string, string>) => Promise<Response> }> {
  const form = (body: Record<string, string>, cookie?: string) => ({
    method: 'POST',
    redirect: 'manual' as const,
    body: new URLSearchParams(body).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: jaga.url, ...(cookie ? { cookie } : {}) },
  });
  const login = await jaga.fetch('/admin/login', form({ token: ADMIN_TOKEN }));
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('jaga_admin='))?.split(';')[0];
  assert.ok(cookie, `signed in (${login.status})`);
  const page = await (await jaga.fetch('/admin', { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(csrf);
  return { postForm: (path, body) => jaga.fetch(path, form({ ...body, csrf }, cookie)) };
}

describe('the cap on active overrides', () => {
  test(`one past ${MAX_ACTIVE} active overrides: 409 too_many_overrides from the API, a clear message on /admin`, async () => {
    for (let i = 0; i < MAX_ACTIVE; i++) assert.equal((await post({ action: 'halt', reason: `uji ${i}`, for: '1h' })).status, 201);
    const refused = await post({ action: 'halt', reason: 'satu lagi', for: '1h' });
    assert.equal(refused.status, 409);
    const body = (await refused.json()) as { error: string; message: string };
    assert.equal(body.error, 'too_many_overrides');
    assert.match(body.message, /20 overrides are active.*lift one/);
    assert.equal((await activeIds()).length, MAX_ACTIVE);

    const admin = await adminSession();
    const page = await admin.postForm('/admin/overrides', { action: 'halt', reason: 'dari formulir', duration: '1h' });
    assert.equal(page.status, 409);
    assert.match(await page.text(), /Sudah ada 20 override aktif/);
    assert.equal((await activeIds()).length, MAX_ACTIVE);

    await liftAll();
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed once lifted');
    assert.equal((await post({ action: 'halt', reason: 'ada ruang', for: '1h' })).status, 201, 'lifting makes room');
    await liftAll();
    await jaga.waitForGate((g) => g.state === 'allowed', 10_000, 'allowed again');
  });
});

describe('an override on a full state disk', () => {
  /** Writes files until the filesystem says ENOSPC. */
  function fill(): void {
    for (const size of [256 * 1024, 4 * 1024, 512]) {
      for (let count = 0; ; count++) {
        try {
          writeFileSync(join(disk.dir, `filler-${size}-${count}`), Buffer.alloc(size, 1));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  }

  test('503 store_unavailable as JSON, the override not applied; once there is room, 201', async () => {
    fill();
    // SQLite may still fit a write or two into pages it already has; a full disk refuses within a few.
    let answer: { status: number; body: { error?: string; message?: string; override?: { id: string } } } | undefined;
    for (let i = 0; i < 10; i++) {
      const response = await post({ action: 'halt', reason: `disk penuh ${i}`, for: '1h' });
      answer = { status: response.status, body: (await response.json()) as NonNullable<typeof answer>['body'] };
      if (answer.status !== 201) break;
      assert.equal((await jaga.adminFetch(`/api/v1/overrides/${answer.body.override?.id}`, { method: 'DELETE' })).status, 200);
    }
    assert.equal(answer?.status, 503, JSON.stringify(answer));
    assert.equal(answer.body.error, 'store_unavailable');
    assert.match(answer.body.message ?? '', /state database refused the write \(SQLITE_FULL\); nothing was changed/);
    const gate = await jaga.gate();
    assert.equal(gate.state, 'allowed', 'an override that was not stored does not halt');
    assert.ok(!hasReason(gate, 'MANUAL_HALT'));
    assert.deepEqual(await activeIds(), []);

    const admin = await adminSession();
    const page = await admin.postForm('/admin/overrides', { action: 'halt', reason: 'dari formulir', duration: '1h' });
    assert.equal(page.status, 503);
    assert.match(await page.text(), /tidak dapat menulis basis data statusnya/);
    assert.equal((await jaga.gate()).state, 'allowed');

    for (const name of readdirSync(disk.dir)) if (name.startsWith('filler-')) rmSync(join(disk.dir, name));
    assert.equal((await post({ action: 'halt', reason: 'ada ruang lagi', for: '1h' })).status, 201);
    await jaga.waitForGate((g) => hasReason(g, 'MANUAL_HALT'), 5_000, 'the stored override in force');
    assert.ok(jaga.pid !== undefined, 'the process is alive');
  });
});
