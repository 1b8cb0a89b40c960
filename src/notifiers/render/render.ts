// Turns a planned notification into an email (subject, text, HTML) and an alert into Alertmanager
// annotations. Pure: time is `ctx.now`; every word comes from the language catalogue; this file assembles.
import { createHash } from 'node:crypto';
import type { Gate, Reason } from '../../core/types.js';
import { catalogue, type EmailCatalogue } from '../../i18n/catalogue.js';
import { dateTime, duration, shortDateTime, wallClock } from '../../i18n/format.js';
import { clip, contactFor, factsOf, safeHeaderText, VALUE_MAX, type Contacts, type FactsOptions } from './facts.js';
import { layoutHtml, layoutText, type EmailModel, type ModelList, type ModelSection } from './layout.js';
import { SEVERITIES, type Alert, type AlertName, type Language, type PlannedNotification } from '../../core/alerts/types.js';

export { escapeHtml } from './layout.js';
export { safeHeaderText, type Contacts } from './facts.js';

export interface RenderContext {
  readonly site: string;
  readonly language: Language;
  /** IANA zone; times are written in it ("08.15 WIB"). */
  readonly timeZone: string;
  /** jaga's status page, linked from every message when set. */
  readonly publicUrl: string | null;
  readonly contacts: Contacts;
  /** The gate now: every message states it first, whatever the alerts say. */
  readonly gate: Gate;
  readonly now: number;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** RFC 5322 recommends 78 characters per line; a subject that fits is also whole on a phone's list view. */
const SUBJECT_MAX = 78;
/** Long enough for any real site name, short enough to leave the headline room. */
const SITE_IN_SUBJECT_MAX = 24;
/** A reason line holds several values. */
const LINE_MAX = 2 * VALUE_MAX;
/** A phone screen, not a log: the rest is on the status page. */
const REASONS_SHOWN = 5;

/** "<hex.jaga@site>": deterministic, so a retried send is recognisably the same message. */
export function messageIdFor(notificationId: string, site: string): string {
  const hash = createHash('sha256').update(`${site}\n${notificationId}`).digest('hex').slice(0, 32);
  const domain = site
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .slice(0, 63)
    .replace(/^[.-]+|[.-]+$/g, '');
  return `<${hash}.jaga@${domain === '' ? 'site.invalid' : domain}>`;
}

/** The order people read alerts in: by severity, then by weight, so the halt (the decision) comes first. */
const WEIGHT: readonly AlertName[] = [
  'RecordingHalted',
  'CentralUnreachable',
  'UploadStalled',
  'BacklogCritical',
  'StorageCritical',
  'HaltForecast',
  'StorageFillingUp',
  'BacklogWarning',
  'StorageWarning',
  'BacklogSourceUnavailable',
  'CentralSlow',
  'JagaDegraded',
];

function byImportance(a: Alert, b: Alert): number {
  const severity = SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity);
  const weight = WEIGHT.indexOf(a.name) - WEIGHT.indexOf(b.name);
  const since = startOf(a) - startOf(b);
  return severity || weight || since || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

const startOf = (a: Alert) => a.firingSince ?? a.activeSince;
const ago = (at: number, now: number) => Math.max(0, (now - at) / 1000);

/** "sejak 08.15 WIB (2 jam 5 menit lalu)"; the full date where `full` (the gate line: no doubt which day). */
function sinceText(at: number, ctx: Omit<RenderContext, 'gate'>, t: EmailCatalogue, full: boolean): string {
  const when = full ? dateTime(at, ctx.timeZone, t.clock) : shortDateTime(at, ctx.now, ctx.timeZone, t.clock);
  const seconds = ago(at, ctx.now);
  return t.since(when, seconds < 60 ? null : duration(seconds, t.durationWords));
}

/** Values a person typed (an override's reason) or config wrote, cut before any catalogue sees them. */
function clipReason(r: Reason): Reason {
  const facts = Object.fromEntries(Object.entries(r.facts).map(([k, v]) => [k, typeof v === 'string' ? clip(v) : v]));
  return { ...r, subject: clip(r.subject), facts };
}

function gateBlock(ctx: RenderContext, t: EmailCatalogue): NonNullable<EmailModel['gate']> {
  const { gate } = ctx;
  const reasonLines = (reasons: readonly Reason[]) => {
    const lines = reasons.slice(0, REASONS_SHOWN).map((r) => clip(catalogue(ctx.language).reason(clipReason(r)), LINE_MAX));
    return reasons.length > REASONS_SHOWN ? [...lines, t.moreReasons(reasons.length - REASONS_SHOWN)] : lines;
  };
  const lists: ModelList[] = [];
  if (gate.state === 'halted' && gate.reasons.length > 0) lists.push({ heading: t.reasonsHeading, items: reasonLines(gate.reasons) });
  if (gate.overridden.length > 0) lists.push({ heading: t.overriddenHeading, items: reasonLines(gate.overridden) });
  const o = gate.override;
  const notes =
    o === null
      ? []
      : [
          t.override({
            action: o.action,
            by: clip(o.by),
            reason: clip(o.reason),
            until: o.expiresAt === null ? null : dateTime(o.expiresAt, ctx.timeZone, t.clock),
          }),
        ];
  return {
    state: gate.state,
    headline: t.gateHeadline[gate.state],
    since: sinceText(gate.since, ctx, t, true),
    notes,
    lists,
  };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The label that tells siblings apart ("rekaman"), for lines that name an alert without its facts. */
const subjectOf = (a: Alert) => a.labels.volume ?? a.labels.target ?? a.labels.source ?? a.labels.heartbeat;
const named = (title: string, a: Alert) => {
  const label = subjectOf(a);
  return label === undefined ? title : `${title} (${clip(label)})`;
};

function footer(ctx: Omit<RenderContext, 'gate'>, t: EmailCatalogue): EmailModel['footer'] {
  const zone = wallClock(ctx.now, ctx.timeZone).zone;
  return {
    lines: [t.footer.site(clip(ctx.site))],
    link: ctx.publicUrl === null ? null : { label: t.footer.statusPage, url: clip(ctx.publicUrl) },
    closing: [t.footer.times(zone, clip(ctx.timeZone, 64)), t.footer.automatic],
  };
}

function subjectLine(ctx: Pick<RenderContext, 'site'>, word: string, headline: string, more: string, reminder: string): string {
  const prefix = `[jaga ${safeHeaderText(ctx.site, SITE_IN_SUBJECT_MAX)}]${reminder === '' ? '' : ` ${reminder}`} ${word}: `;
  const suffix = more === '' ? '' : ` ${more}`;
  // The "+N" must survive: the headline gives way first.
  const room = Math.max(12, SUBJECT_MAX - prefix.length - suffix.length);
  return safeHeaderText(`${prefix}${safeHeaderText(headline, room)}${suffix}`, SUBJECT_MAX);
}

/** A notification's subject line: the outbox stores it for people to see what each row is. */
export function notificationSubject(n: PlannedNotification, ctx: Pick<RenderContext, 'site' | 'language' | 'gate'>): string {
  const t = catalogue(ctx.language).email;
  const firing = [...n.firing].sort(byImportance);
  const resolved = [...n.resolved].sort(byImportance);
  const good = n.kind === 'resolved' || firing.length === 0;
  const head = good ? resolved[0] : firing[0];
  const count = good ? resolved.length : firing.length;
  return subjectLine(
    ctx,
    good ? t.resolvedWord : t.severityWord[head?.severity ?? 'info'],
    head === undefined ? t.gateHeadline[ctx.gate.state] : (good ? t.resolvedTitle : t.title)[head.name],
    count > 1 ? t.more(count - 1) : '',
    n.kind === 'repeat' ? t.reminder : '',
  );
}

export function renderNotification(n: PlannedNotification, recipientName: string, ctx: RenderContext): RenderedEmail {
  const t = catalogue(ctx.language).email;
  const firing = [...n.firing].sort(byImportance);
  const resolved = [...n.resolved].sort(byImportance);
  const good = n.kind === 'resolved' || firing.length === 0;
  const subject = notificationSubject(n, ctx);
  const options: FactsOptions = { timeZone: ctx.timeZone, now: ctx.now, gate: ctx.gate, t, words: catalogue(ctx.language).forecast };
  const sections = firing.map((alert): ModelSection => {
    const facts = factsOf(alert, options);
    return {
      title: t.title[alert.name],
      since: capitalize(sinceText(startOf(alert), ctx, t, false)),
      summary: t.summary(alert.name, facts),
      lines: t.facts(alert.name, facts),
      step: { label: t.nextStepLabel, text: t.nextStep(alert.name, facts, contactFor(alert, facts, ctx.contacts)) },
    };
  });
  const resolvedList: ModelList | null =
    resolved.length === 0
      ? null
      : {
          heading: t.resolvedHeading,
          items: resolved.map((a) =>
            t.resolvedLine(
              named(t.title[a.name], a),
              shortDateTime(a.resolvedAt, ctx.now, ctx.timeZone, t.clock),
              duration(ago(startOf(a), a.resolvedAt), t.durationWords),
            ),
          ),
        };
  const model: EmailModel = {
    language: ctx.language,
    subject,
    greeting: t.greeting(clip(recipientName)),
    lead: good ? t.goodNews[ctx.gate.state] : n.kind === 'repeat' ? t.repeatNote : null,
    gate: gateBlock(ctx, t),
    body: [],
    sections,
    resolved: resolvedList,
    footer: footer(ctx, t),
  };
  return { subject, text: layoutText(model), html: layoutHtml(model) };
}

/** `jaga test-email`: proves the path to a recipient, in the recipient's language. */
export function renderTestEmail(recipientName: string, ctx: Omit<RenderContext, 'gate'>): RenderedEmail {
  const t = catalogue(ctx.language).email;
  const subject = safeHeaderText(`[jaga ${safeHeaderText(ctx.site, SITE_IN_SUBJECT_MAX)}] ${t.test.subject}`, SUBJECT_MAX);
  const model: EmailModel = {
    language: ctx.language,
    subject,
    greeting: t.greeting(clip(recipientName)),
    lead: null,
    gate: null,
    body: t.test.lines(clip(ctx.site), dateTime(ctx.now, ctx.timeZone, t.clock)),
    sections: [],
    resolved: null,
    footer: footer(ctx, t),
  };
  return { subject, text: layoutText(model), html: layoutHtml(model) };
}

/**
 * Alertmanager annotations for one alert: what (summary), the numbers (description), what to do
 * (next_step). Without a moment to speak from, times are written in full and "full around" is left out.
 */
export function alertAnnotations(
  alert: Alert,
  language: Language,
  options: { readonly timeZone?: string; readonly contacts?: Contacts } = {},
): Record<string, string> {
  const t = catalogue(language).email;
  const facts = factsOf(alert, { timeZone: options.timeZone ?? 'Asia/Jakarta', now: undefined, gate: null, t, words: catalogue(language).forecast });
  return {
    summary: named(t.title[alert.name], alert),
    // One line of "; "-joined parts: the summary's closing full stop would only stand in the way.
    description: [t.summary(alert.name, facts)?.replace(/\.$/, '') ?? null, ...t.facts(alert.name, facts)].filter((line) => line !== null).join('; '),
    next_step: t.nextStep(alert.name, facts, contactFor(alert, facts, options.contacts ?? {})),
  };
}
