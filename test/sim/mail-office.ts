// The office of the alert-email and outbox scenarios on virtual time (test/sim/alert-*, outbox-*,
// mail-*): the restart office (office.ts) named palangkaraya, and how those scenarios bring an outage,
// read the admin status and read the outbox's rows. Loopback HTTP and SQLite reads of the world's data_dir.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { hasReason } from '../helpers/jaga-process.js';
import type { ReceivedMail } from '../helpers/smtp-server.js';
import { KABID, officeConfig, OPERATOR } from './office.js';
import type { World, WorldParts } from './world.js';

export { isResolved, KABID, OPERATOR } from './office.js';

/** alerts.group_interval of every mail office. */
export const GROUP_INTERVAL_MS = 2_000;

/** The office config named palangkaraya; `alerts` adds or replaces keys of `alerts:` (office.ts). */
export function mailOfficeConfig(parts: WorldParts, alerts: Record<string, unknown> = {}): Record<string, unknown> {
  return { site: 'palangkaraya', ...officeConfig(parts, { group_interval: `${GROUP_INTERVAL_MS}ms`, ...alerts }) };
}

/**
 * `alerts:` keys whose text tries to add a header or a recipient (CR/LF, Bcc:): a contact and a
 * recipient's name. The operator reads English.
 */
export const INJECTING_RECIPIENTS = {
  contacts: { central: 'Helpdesk 021-1234\r\nBcc: evil-contact@x.test\r\nX-Injected: 1' },
  recipients: [
    { name: 'Kabid PIAK\r\nBcc: evil-name@x.test', email: KABID, role: 'department_head' },
    { name: 'Operator TI', email: OPERATOR, role: 'operator', language: 'en' },
  ],
} as const;

/**
 * What INJECTING_RECIPIENTS (or an override's reason) tried never made a header or a recipient: one
 * configured recipient per message, our sender, no Bcc or injected header, one Subject.
 */
export function assertNoInjectedHeaders(mails: readonly ReceivedMail[]): void {
  for (const mail of mails) {
    assert.equal(mail.envelopeTo.length, 1);
    assert.ok([KABID, OPERATOR].includes(mail.envelopeTo[0] ?? ''), mail.envelopeTo[0]);
    assert.equal(mail.envelopeFrom, 'jaga@uji.go.id');
    assert.equal(mail.headers.has('bcc'), false);
    assert.equal(mail.headers.has('x-injected'), false);
    const headers = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
    assert.doesNotMatch(headers, /^(bcc|x-injected|subject: palsu)/im, headers);
    assert.equal(headers.match(/^subject:/gim)?.length, 1);
  }
}

/** Mail whose envelope goes to exactly `address`, since the `from`-th received. */
export const mailsTo = (w: World, address: string, from = 0): ReceivedMail[] =>
  w.smtp.received.slice(from).filter((m) => m.envelopeTo.join(',') === address);

/** The central server refuses: jaga halts on CENTRAL_UNREACHABLE. */
export async function outage(w: World): Promise<void> {
  await w.central.set('refuse');
  await w.waitForGate((g) => hasReason(g, 'CENTRAL_UNREACHABLE'), 15_000, 'the outage to halt the gate');
}

export async function recovery(w: World): Promise<void> {
  await w.central.set('ok');
  await w.waitForGate((g) => g.state === 'allowed', 15_000, 'recovery');
}

/** Past group_interval with room to spare: whatever was grouped has gone out by then. */
export const settle = (w: World): Promise<void> => w.clock.advance(GROUP_INTERVAL_MS + 1_500);

export interface AdminStatus {
  alerts: { name: string; severity: string; state: string; silenced_by: string | null }[];
  outbox: { pending: number; given_up: { status: string; attempts: number; recipient?: string; error?: string }[] };
}

export const adminStatus = async (w: World): Promise<AdminStatus> => (await (await w.adminFetch('/api/v1/status')).json()) as AdminStatus;

export interface OutboxRow {
  id: string;
  message_id: string;
  recipient: string;
  status: string;
  attempts: number;
}

/** Rows of the outbox, read from the world's database file (WAL: safe next to the running service). */
export function outboxRows(w: World, where = '1 = 1', ...params: unknown[]): OutboxRow[] {
  const db = new BetterSqlite3(join(w.config.data_dir, 'jaga.db'), { fileMustExist: true, readonly: true });
  try {
    return db.prepare(`SELECT id, message_id, recipient, status, attempts FROM notifications WHERE ${where} ORDER BY created_at, id`).all(...params) as OutboxRow[];
  } finally {
    db.close();
  }
}
