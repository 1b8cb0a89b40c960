// Whole pages of /admin: login, the dashboard with its forms, and refusals. Pure: a snapshot and the
// viewer's context in, an HTML string out; every value is escaped.
import type { Catalogue, Language } from '../../i18n/catalogue.js';
import type { StoredAuditEntry } from '../../store/audit.js';
import type { StoredTransition } from '../../store/transitions.js';
import type { OutboxSnapshot, StatusSnapshot } from '../../views/snapshot.js';
import { backlogSection, heartbeatSection } from './data-at-risk.js';
import { forecastParagraphs } from './forecast.js';
import type { WorkingTime } from '../../core/alerts/forecast-rules.js';
import type { OverrideForm, SilenceForm } from './forms.js';
import { html, layout, type Fragment, type Html } from './html.js';
import {
  alertsSection,
  auditSection,
  gateSection,
  historySection,
  outboxSection,
  overridesSection,
  silencesSection,
  targetsSection,
  volumesSection,
  type AdminView,
} from './sections.js';

/** The status snapshot every audience reads, and what only operators see. */
export interface DashboardData {
  readonly status: StatusSnapshot;
  /** The office's working week: the halt forecast is told in its working days. */
  readonly working: WorkingTime;
  readonly outbox: OutboxSnapshot;
  readonly resumeAfterMs: number;
  readonly history: readonly StoredTransition[];
  readonly audit: readonly StoredAuditEntry[];
}

export interface Flash {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

/** What a refused form brings back: the values as typed and the problem, shown next to the form. */
export interface FormsState {
  readonly override?: { readonly values: OverrideForm; readonly error?: string };
  readonly silence?: { readonly values: SilenceForm; readonly error?: string };
}

/** The language link keeps the page, switching only `lang`. */
function topBar(c: Catalogue, who: string | null, v: { readonly csrf: string; readonly langQuery: string }): Fragment {
  const other = c.admin.otherLanguage;
  const switcher = html`<a href="/admin${who === null ? '/login' : ''}?lang=${other.language}" hreflang="${other.language}" lang="${other.language}">${other.label}</a>`;
  if (who === null) return switcher;
  return html`<span>${c.admin.signedInAs(who)}</span>${switcher}<form method="post" action="/admin/logout${v.langQuery}"><input type="hidden" name="csrf" value="${v.csrf}"><button type="submit">${c.admin.logout}</button></form>`;
}

const flashBox = (flash: Flash | null | undefined): Fragment =>
  flash ? html`<p class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</p>` : null;

/** `tokensConfigured` false: no form (no token could pass it), but how to configure one. */
export function loginPage(c: Catalogue, language: Language, langQuery: string, error: string | null, tokensConfigured = true): string {
  const t = c.admin.login;
  const body = tokensConfigured
    ? html`<section class="login"><h1>${t.heading}</h1><p>${t.intro}</p>
${flashBox(error === null ? null : { kind: 'error', text: error })}
<form method="post" action="/admin/login${langQuery}">
<label for="token">${t.token}</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus maxlength="4096">
<button type="submit">${t.submit}</button>
</form></section>`
    : html`<section class="login"><h1>${t.unconfigured.heading}</h1><p>${t.unconfigured.text}</p>
<p><code>${t.unconfigured.example}</code></p></section>`;
  return layout({ language, title: c.admin.title, bar: topBar(c, null, { csrf: '', langQuery }), body });
}

export function errorPage(c: Catalogue, language: Language, langQuery: string, message: string): string {
  return layout({
    language,
    title: c.admin.title,
    bar: null,
    body: html`<section><h1>${c.admin.errors.title}</h1>${flashBox({ kind: 'error', text: message })}<p><a href="/admin${langQuery}">${c.admin.errors.back}</a></p></section>`,
  });
}

function overrideFormSection(v: AdminView, state: FormsState['override']): Html {
  const t = v.c.admin.form;
  const values = state?.values ?? { action: 'halt', reason: '', for: '' };
  const radio = (value: 'halt' | 'allow', label: string) =>
    html`<label><input type="radio" name="action" value="${value}"${values.action === value ? html` checked` : null} required> ${label}</label>`;
  return html`<section id="new-override"><h2>${v.c.admin.sections.newOverride}</h2>
${state?.error ? html`<p class="error-text" role="alert">${state.error}</p>` : null}
<form method="post" action="/admin/overrides${v.langQuery}">
<input type="hidden" name="csrf" value="${v.csrf}">
<fieldset><legend>${t.action}</legend>${radio('halt', t.halt)}${radio('allow', t.allow)}</fieldset>
<label for="override-reason">${t.reason}</label>
<input type="text" id="override-reason" name="reason" value="${values.reason}" required maxlength="500">
<label for="override-for">${t.duration}</label>
<input type="text" id="override-for" name="for" value="${values.for}" placeholder="2h" maxlength="20" aria-describedby="override-for-hint">
<small id="override-for-hint" class="muted">${t.durationHint}</small><br>
<button type="submit">${t.setOverride}</button>
</form></section>`;
}

function silenceFormSection(v: AdminView, state: FormsState['silence']): Html {
  const t = v.c.admin.form;
  const values = state?.values ?? { matchers: '', for: '2h', comment: '' };
  return html`<section id="new-silence"><h2>${v.c.admin.sections.newSilence}</h2>
${state?.error ? html`<p class="error-text" role="alert">${state.error}</p>` : null}
<form method="post" action="/admin/silences${v.langQuery}">
<input type="hidden" name="csrf" value="${v.csrf}">
<label for="silence-matchers">${t.matchers}</label>
<textarea id="silence-matchers" name="matchers" required placeholder="alertname=CentralUnreachable" maxlength="4000">${values.matchers}</textarea>
<label for="silence-for">${t.silenceDuration}</label>
<input type="text" id="silence-for" name="for" value="${values.for}" required maxlength="20">
<label for="silence-comment">${t.comment}</label>
<input type="text" id="silence-comment" name="comment" value="${values.comment}" required maxlength="500">
<button type="submit">${t.addSilence}</button>
</form></section>`;
}

export interface DashboardPage {
  readonly view: AdminView;
  readonly who: string;
  readonly data: DashboardData;
  readonly flash?: Flash | null;
  readonly forms?: FormsState;
}

export function dashboardPage(page: DashboardPage): string {
  const { view: v, data } = page;
  const { status } = data;
  const silences = status.alerting?.silences ?? null;
  const forms = page.forms ?? {};
  return layout({
    language: v.language,
    title: v.c.admin.title,
    bar: topBar(v.c, page.who, v),
    body: html`${flashBox(page.flash)}
${gateSection(v, status.gate, data.resumeAfterMs, forecastParagraphs(v, status.gate, status.volumes, data.working))}
${overridesSection(v, status.overrides)}
<div class="forms">${overrideFormSection(v, forms.override)}${silences === null ? null : silenceFormSection(v, forms.silence)}</div>
${targetsSection(v, status.targets)}
${volumesSection(v, status.volumes)}
${backlogSection(v, status.backlogs)}
${heartbeatSection(v, status.heartbeats)}
${alertsSection(v, status.alerting?.alerts ?? null)}
${silencesSection(v, silences)}
${outboxSection(v, data.outbox)}
${historySection(v, data.history)}
${auditSection(v, data.audit)}`,
  });
}
