// The dashboard's parts for /admin (gate and reasons with numbers, targets, volumes, overrides, alerts,
// silences, outbox, history, audit; the forecast's parts are in forecast.ts), internal view for
// operators. Pure; every value is escaped.
import type { Alert, RecurringSilence, Silence } from '../../core/alerts/types.js';
import { formatBytes } from '../../core/units.js';
import type { FactValue, Gate, Override, Reason, TargetState, VolumeState } from '../../core/types.js';
import type { Catalogue, Language } from '../../i18n/catalogue.js';
import { duration, shortDateTime } from '../../i18n/format.js';
import type { StoredAuditEntry } from '../../store/audit.js';
import type { StoredTransition } from '../../store/transitions.js';
import type { OutboxSnapshot } from '../../views/snapshot.js';
import { html, type Fragment, type Html } from './html.js';
import { volumeForecastCell } from './forecast.js';

export interface AdminView {
  readonly c: Catalogue;
  readonly language: Language;
  readonly timeZone: string;
  readonly now: number;
  /** `?lang=en` when the language was chosen in the URL (kept through forms and redirects), else ''. */
  readonly langQuery: string;
  readonly csrf: string;
}

type AlertRow = Alert & { readonly silencedBy: string | null };

const pct = (ratio: number | null | undefined): string => (typeof ratio === 'number' ? `${(ratio * 100).toFixed(1)}%` : '?');

export function when(v: AdminView, at: number | null | undefined): Fragment {
  if (at === null || at === undefined) return '–';
  return html`<time datetime="${new Date(at).toISOString()}">${shortDateTime(at, v.now, v.timeZone, v.c.email.clock)}</time>`;
}

/** "3 jam 5 menit", or null under a minute. */
export function ago(v: AdminView, at: number): string | null {
  const seconds = (v.now - at) / 1000;
  return seconds < 60 ? null : duration(seconds, v.c.email.durationWords);
}

export const table = (headers: readonly string[], rows: readonly Fragment[], empty: string): Html =>
  rows.length === 0
    ? html`<p class="muted">${empty}</p>`
    : html`<div class="scroll"><table><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

export const tag = (cls: string, text: string): Html => html`<span class="tag ${cls}">${text}</span>`;

const pairs = (record: Readonly<Record<string, unknown>>): Fragment =>
  html`<ul class="facts">${Object.entries(record).map(([k, value]) => html`<li>${k}=${typeof value === 'string' ? value : JSON.stringify(value)}</li>`)}</ul>`;

/** A reason's or alert's numbers, with times and byte counts made readable (raw bytes stay in the title). */
function factList(v: AdminView, facts: Reason['facts']): Fragment {
  const shown = (key: string, value: FactValue): Fragment => {
    if (typeof value === 'number' && (key === 'since' || /(At|Since)$/.test(key))) return when(v, value);
    if (typeof value === 'number' && key.endsWith('Bytes')) return html`<span title="${value}">${formatBytes(value)}</span>`;
    return value === null ? '–' : String(value);
  };
  return html`<ul class="facts">${Object.entries(facts).map(([k, value]) => html`<li>${k}=${shown(k, value)}</li>`)}</ul>`;
}

export function postButton(v: AdminView, action: string, label: string): Html {
  return html`<form class="inline" method="post" action="${action}${v.langQuery}"><input type="hidden" name="csrf" value="${v.csrf}"><button class="small" type="submit">${label}</button></form>`;
}

function reasonItem(v: AdminView, reason: Reason): Html {
  return html`<li><code>${reason.code}</code> ${v.c.reason(reason)} <span class="muted">(${v.c.admin.gate.since(shortDateTime(reason.since, v.now, v.timeZone, v.c.email.clock), ago(v, reason.since))})</span>${factList(v, reason.facts)}</li>`;
}

/** `forecast`: the halt forecast and the buffer mode under the state (forecast.ts forecastParagraphs). */
export function gateSection(v: AdminView, gate: Gate, resumeAfterMs: number, forecast: Fragment): Html {
  const t = v.c.admin;
  const resuming = gate.state === 'halted' && gate.clearSince !== null ? gate.clearSince + resumeAfterMs : null;
  return html`<section class="gate ${gate.state}" id="gate"><h1>${t.sections.gate}</h1>
<p class="state">${v.c.gateState[gate.state]}</p>
${forecast}
<p>${t.gate.since(shortDateTime(gate.since, v.now, v.timeZone, v.c.email.clock), ago(v, gate.since))} · <span class="muted">${t.gate.decidedAt(shortDateTime(gate.decidedAt, v.now, v.timeZone, v.c.email.clock))} · ${t.gate.validUntil(shortDateTime(gate.validUntil, v.now, v.timeZone, v.c.email.clock))}</span></p>
${resuming !== null ? html`<p>${v.c.resumingAt(shortDateTime(resuming, v.now, v.timeZone, v.c.email.clock))}</p>` : null}
${gate.override ? html`<p><strong>${t.gate.override(t.overrideAction[gate.override.action], gate.override.by)}</strong>: ${gate.override.reason}</p>` : null}
<h3>${t.gate.reasons}</h3>
${gate.reasons.length === 0 ? html`<p class="muted">${t.gate.noReasons}</p>` : html`<ul>${gate.reasons.map((r) => reasonItem(v, r))}</ul>`}
${gate.overridden.length > 0 ? html`<h3>${t.gate.overridden}</h3><ul>${gate.overridden.map((r) => reasonItem(v, r))}</ul>` : null}
</section>`;
}

export function overridesSection(v: AdminView, overrides: readonly Override[]): Html {
  const t = v.c.admin;
  const cols = t.columns;
  const rows = overrides.map(
    (o) => html`<tr><td>${postButton(v, `/admin/overrides/${encodeURIComponent(o.id)}/lift`, t.lift)}</td><td>${tag(o.action === 'halt' ? 'bad' : 'ok', t.overrideAction[o.action])}</td><td>${o.reason}</td><td>${o.by}</td><td>${when(v, o.createdAt)}</td><td>${o.expiresAt === null ? t.untilLifted : when(v, o.expiresAt)}</td><td><code class="id">${o.id}</code></td></tr>`,
  );
  return html`<section id="overrides"><h2>${t.sections.overrides}</h2>${table(['', cols.action, cols.reason, cols.by, cols.created, cols.expires, 'ID'], rows, t.none)}</section>`;
}

export function targetsSection(v: AdminView, targets: readonly TargetState[]): Html {
  const t = v.c.admin;
  const cols = t.columns;
  const rows = targets.map((target) => {
    const last = target.last;
    const probe = last
      ? html`${when(v, last.at)} ${last.ok ? tag('ok', t.probeOk) : tag('bad', last.failure)}<br><code>${last.detail}</code>`
      : '–';
    return html`<tr><td>${target.name}${target.role === 'reference' ? html` <span class="muted">(ref)</span>` : null}</td><td>${target.kind}</td><td>${tag(target.status, t.targetStatus[target.status])}<br><span class="muted">${when(v, target.statusSince)}</span></td><td class="num">${target.consecutiveFailures}</td><td>${probe}</td><td class="num">${last ? `${Math.round(last.durationMs)} ms` : '–'}</td><td>${when(v, target.lastSuccessAt)}</td></tr>`;
  });
  return html`<section id="targets"><h2>${t.sections.targets}</h2>${table([cols.name, cols.kind, cols.status, cols.failures, cols.lastProbe, cols.latency, cols.lastSuccess], rows, t.none)}</section>`;
}

export function volumesSection(v: AdminView, volumes: readonly VolumeState[]): Html {
  const t = v.c.admin;
  const cols = t.columns;
  const rows = volumes.map((volume) => {
    const last = volume.last;
    const usage = volume.lastUsage;
    const state = last === null ? tag('unknown', t.unknown) : last.ok ? tag('ok', t.volumeOk) : html`${tag('bad', last.failure)}<br><code>${last.detail}</code>`;
    const used = usage
      ? html`<meter min="0" max="1" value="${usage.usedRatio.toFixed(4)}">${pct(usage.usedRatio)}</meter> ${pct(usage.usedRatio)}<br><span class="muted">${formatBytes(usage.usedBytes)} / ${formatBytes(usage.sizeBytes)}</span>`
      : '–';
    const inodes = usage && usage.filesTotal > 0 ? html`${pct(usage.filesUsedRatio)}<br><span class="muted">${t.inodesFree(usage.filesFree)}</span>` : '–';
    const rate = volume.fillRateBytesPerSecond;
    const fill = rate === null ? t.unknown : rate < 0 ? t.perHour(formatBytes(-rate * 3600)) : t.notFilling;
    const eta = volume.fullEtaSeconds === null ? '–' : duration(volume.fullEtaSeconds, v.c.email.durationWords);
    return html`<tr><td>${volume.name}</td><td>${state}</td><td class="num">${used}</td><td class="num">${usage ? formatBytes(usage.availBytes) : '–'}</td><td class="num">${inodes}</td><td class="num">${fill}</td><td class="num">${eta}</td><td>${volumeForecastCell(v, volume)}</td></tr>`;
  });
  return html`<section id="volumes"><h2>${t.sections.volumes}</h2>${table([cols.name, cols.status, cols.used, cols.avail, cols.inodes, cols.fillRate, cols.eta, cols.forecast], rows, t.none)}</section>`;
}

export function alertsSection(v: AdminView, alerts: readonly AlertRow[] | null): Html {
  const t = v.c.admin;
  const cols = t.columns;
  if (alerts === null) return html`<section id="alerts"><h2>${t.sections.alerts}</h2><p class="muted">${t.alertingOff}</p></section>`;
  const rows = alerts.map(
    (a) => html`<tr><td>${a.name}</td><td>${tag(a.severity, a.severity)}</td><td>${tag(a.state, t.alertState[a.state])}</td><td>${when(v, a.firingSince ?? a.activeSince)}</td><td>${pairs(a.labels)}</td><td>${factList(v, a.values)}</td><td>${a.silencedBy ? html`<code>${a.silencedBy}</code>` : '–'}</td></tr>`,
  );
  return html`<section id="alerts"><h2>${t.sections.alerts}</h2>${table([cols.alert, cols.severity, cols.state, cols.time, cols.labels, cols.values, cols.silencedBy], rows, t.none)}</section>`;
}

export function silencesSection(v: AdminView, silences: readonly (Silence | RecurringSilence)[] | null): Html {
  const t = v.c.admin;
  const cols = t.columns;
  if (silences === null) return html`<section id="silences"><h2>${t.sections.silences}</h2><p class="muted">${t.alertingOff}</p></section>`;
  const rows = silences.map((s) => {
    const matchers = pairs(s.matchers);
    if ('cron' in s) {
      return html`<tr><td></td><td>${matchers}</td><td>${s.comment}</td><td>${t.silenceSource.config}</td><td colspan="2">${t.recurring(s.cron, duration(s.durationMs / 1000, v.c.email.durationWords))}</td><td><code class="id">${s.id}</code></td></tr>`;
    }
    const fromConfig = s.createdBy === 'config';
    const action = fromConfig ? null : postButton(v, `/admin/silences/${encodeURIComponent(s.id)}/expire`, t.expire);
    return html`<tr><td>${action}</td><td>${matchers}</td><td>${s.comment}</td><td>${fromConfig ? t.silenceSource.config : s.createdBy}</td><td>${when(v, s.startsAt)}</td><td>${when(v, s.endsAt)}</td><td><code class="id">${s.id}</code></td></tr>`;
  });
  return html`<section id="silences"><h2>${t.sections.silences}</h2>${table(['', cols.matchers, cols.comment, cols.by, cols.starts, cols.expires, 'ID'], rows, t.none)}</section>`;
}

export function outboxSection(v: AdminView, outbox: OutboxSnapshot): Html {
  const t = v.c.admin;
  const cols = t.columns;
  const { stats } = outbox;
  const pendingRows = outbox.pending.map(
    (m) => html`<tr><td>${when(v, m.createdAt)}</td><td>${m.recipientName} &lt;${m.recipient}&gt;</td><td>${m.subject}</td><td class="num">${m.attempts}</td><td><code>${m.lastError ?? '–'}</code></td></tr>`,
  );
  const givenUpRows = outbox.givenUp.map(
    (m) => html`<tr><td>${when(v, m.finishedAt)}</td><td>${tag('bad', t.outbox.status[m.status])}</td><td>${m.recipientName} &lt;${m.recipient}&gt;</td><td>${m.subject}</td><td class="num">${m.attempts}</td><td><code>${m.lastError ?? '–'}</code></td></tr>`,
  );
  return html`<section id="outbox"><h2>${t.sections.outbox}</h2>
<p>${t.outbox.pending(stats.pending)}${stats.oldestPendingAt !== null ? html` · ${t.outbox.oldest(shortDateTime(stats.oldestPendingAt, v.now, v.timeZone, v.c.email.clock))}` : null}</p>
${outbox.pending.length > 0 ? html`<h3>${t.outbox.pendingHeading}</h3>${table([cols.time, cols.recipient, cols.subject, cols.attempts, cols.error], pendingRows, t.none)}` : null}
<h3>${t.outbox.givenUpHeading}</h3>${table([cols.time, cols.status, cols.recipient, cols.subject, cols.attempts, cols.error], givenUpRows, t.none)}
</section>`;
}

export function historySection(v: AdminView, transitions: readonly StoredTransition[]): Html {
  const t = v.c.admin;
  const cols = t.columns;
  const rows = transitions.map(
    (tr) => html`<tr><td>${when(v, tr.at)}</td><td>${tr.from ? html`${tag(tr.from, tr.from)} → ` : null}${tag(tr.to, tr.to)}</td><td>${tr.reasons.length === 0 ? '–' : html`<ul class="facts">${tr.reasons.map((r) => html`<li><code>${r.code}</code> ${v.c.reason(r)}</li>`)}</ul>`}</td></tr>`,
  );
  return html`<section id="history"><h2>${t.sections.history}</h2>${table([cols.time, cols.change, cols.reasons], rows, t.none)}</section>`;
}

function auditDetail(v: AdminView, detail: Readonly<Record<string, unknown>>): Fragment {
  const t = v.c.admin;
  const parts: Fragment[] = [];
  if (typeof detail.id === 'string') parts.push(html`<code class="id">${detail.id}</code>`);
  if (detail.action === 'halt' || detail.action === 'allow') parts.push(` ${t.overrideAction[detail.action]}`);
  if (typeof detail.matchers === 'object' && detail.matchers !== null) parts.push(pairs(detail.matchers as Record<string, unknown>));
  const why = typeof detail.reason === 'string' ? detail.reason : typeof detail.comment === 'string' ? detail.comment : null;
  if (why !== null) parts.push(html` “${why}”`);
  const until = typeof detail.expiresAt === 'number' ? detail.expiresAt : typeof detail.endsAt === 'number' ? detail.endsAt : null;
  if (until !== null) parts.push(html` → ${when(v, until)}`);
  return parts;
}

export function auditSection(v: AdminView, entries: readonly StoredAuditEntry[]): Html {
  const t = v.c.admin;
  const cols = t.columns;
  const rows = entries.map(
    (e) => html`<tr><td>${when(v, e.at)}</td><td><strong>${e.actor}</strong></td><td>${t.audit[e.action] ?? e.action}</td><td>${auditDetail(v, e.detail)}</td></tr>`,
  );
  return html`<section id="audit"><h2>${t.sections.audit}</h2>${table([cols.time, cols.who, cols.what, cols.detail], rows, t.none)}</section>`;
}
