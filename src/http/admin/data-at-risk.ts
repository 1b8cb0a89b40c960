// The dashboard's data-at-risk parts for /admin: each backlog source (what waits for upload in one copy,
// why it cannot be read, with the internal detail) and each upload heartbeat. Pure; every value is escaped.
import { formatBytes } from '../../core/units.js';
import { duration } from '../../i18n/format.js';
import type { BacklogSnapshot, HeartbeatSnapshot } from '../../views/snapshot.js';
import { html, type Fragment, type Html } from './html.js';
import { ago, table, tag, when, type AdminView } from './sections.js';

const halts = (v: AdminView, halting: boolean): Html =>
  halting ? tag('bad', v.c.admin.dataAtRisk.halts) : tag('unknown', v.c.admin.dataAtRisk.alertOnly);

/** A time with how long ago it was, the way the gate shows its own. */
const whenAgo = (v: AdminView, at: number): Html => {
  const since = ago(v, at);
  return html`${when(v, at)}${since === null ? null : html`<br><span class="muted">${v.c.admin.dataAtRisk.ago(since)}</span>`}`;
};

/** Only when the config has backlog sources: an office that watches none sees no empty table about them. */
export function backlogSection(v: AdminView, backlogs: readonly BacklogSnapshot[]): Html | null {
  if (backlogs.length === 0) return null;
  const t = v.c.admin;
  const d = t.dataAtRisk;
  const rows = backlogs.map((b) => {
    const last = b.last;
    const state = last === null ? tag('unknown', d.notRead) : last.ok ? tag('ok', d.readable) : html`${tag('bad', last.failure)}<br><code>${last.detail}</code>`;
    const reading = b.lastReading;
    const bytes = reading?.bytes ?? null;
    const oldestAt = reading?.oldestAt ?? null;
    const size: Fragment = bytes === null ? '–' : html`<span title="${bytes}">${formatBytes(bytes)}</span>`;
    return html`<tr><td>${b.name}</td><td>${b.type}</td><td>${state}</td><td class="num">${reading ? d.count(reading.items) : '–'}</td><td class="num">${size}</td><td>${oldestAt === null ? '–' : whenAgo(v, oldestAt)}</td><td>${when(v, reading?.at)}</td><td>${halts(v, b.halting)}</td></tr>`;
  });
  const cols = d.columns;
  return html`<section id="backlog"><h2>${d.backlogHeading}</h2>${table([t.columns.name, cols.type, t.columns.status, cols.items, cols.bytes, cols.oldest, cols.lastRead, cols.halts], rows, t.none)}</section>`;
}

/** Only when the config has heartbeats, like the backlog. */
export function heartbeatSection(v: AdminView, heartbeats: readonly HeartbeatSnapshot[]): Html | null {
  if (heartbeats.length === 0) return null;
  const t = v.c.admin;
  const d = t.dataAtRisk;
  const rows = heartbeats.map((h) => {
    const state = h.late ? tag('bad', d.late) : tag('ok', d.onTime);
    const lastPing = h.lastPingAt === null ? html`<span class="muted">${d.neverPinged}</span>` : whenAgo(v, h.lastPingAt);
    return html`<tr><td>${h.name}</td><td>${state}</td><td>${lastPing}</td><td class="num">${duration(h.graceMs / 1000, v.c.email.durationWords)}</td><td>${halts(v, h.halt)}</td><td class="num">${h.lastItemsSent === null ? '–' : d.count(h.lastItemsSent)}</td></tr>`;
  });
  const cols = d.columns;
  return html`<section id="heartbeats"><h2>${d.heartbeatsHeading}</h2>${table([t.columns.name, t.columns.status, cols.lastPing, cols.grace, cols.halts, cols.itemsSent], rows, t.none)}</section>`;
}
