// The public status page at `/` (plain HTML, no JavaScript, refreshes itself), its stylesheet and the
// Atom feed route. renderStatusPage is pure (gate, config, language, now -> HTML); the router reads the
// status snapshot and the store's history and sets headers, nothing more.
import { Router, type Request, type Response } from 'express';
import type { StatusPageConfig } from '../../config/schema.js';
import type { Gate } from '../../core/types.js';
import { catalogue, type Language } from '../../i18n/catalogue.js';
import { shortDateTime } from '../../i18n/format.js';
import type { Clock } from '../../runtime/clock.js';
import type { Store } from '../../store/sqlite.js';
import type { StoredTransition } from '../../store/transitions.js';
import { escapeMarkup as esc, noticesFor, publicGate, type PublicText } from '../../views/public-status.js';
import { requestLanguage } from '../language.js';
import type { StatusReader } from '../status-snapshot.js';
import { STATUS_CSS } from './css.js';
import { feedOrigin, renderFeed } from './feed.js';

export interface StatusPageDeps {
  readonly status: StatusReader;
  /** The feed's gate state changes. */
  readonly store: Pick<Store, 'transitions'>;
  readonly page: StatusPageConfig;
  readonly site: string;
  readonly timeZone: string;
  readonly resumeAfterMs: number;
  /** The feed's `updated` while it has no entry. */
  readonly clock: Pick<Clock, 'now'>;
  /** The config's `public_url`, or null: the feed's links use it rather than the request's Host. */
  readonly publicUrl: string | null;
}

/** No scripts at all; styles only from our own stylesheet; nothing may frame, rebase or post. */
export const STATUS_PAGE_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Entries in the feed: enough for weeks of an unsettled network, small enough to poll. */
export const FEED_ENTRIES = 50;

export interface StatusPageInput {
  readonly gate: Gate;
  readonly config: StatusPageConfig;
  readonly language: Language;
  readonly timeZone: string;
  readonly resumeAfterMs: number;
  readonly now: number;
}

/** Config text keeps its paragraphs (blank lines) and line breaks. */
function noticeHtml(notice: PublicText, pageLanguage: Language): string {
  const lang = notice.language === pageLanguage ? '' : ` lang="${notice.language}"`;
  const paragraphs = notice.text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${p.split('\n').map(esc).join('<br>')}</p>`);
  return `<div class="notice-text"${lang}>${paragraphs.join('')}</div>`;
}

export function renderStatusPage(input: StatusPageInput): string {
  const { config, language, timeZone, now } = input;
  const words = catalogue(language).page;
  const clock = catalogue(language).email.clock;
  const when = (at: number) => shortDateTime(at, now, timeZone, clock);
  const gate = publicGate(input.gate, now, input.resumeAfterMs, language);
  const halted = gate.state === 'halted';
  const refreshSeconds = Math.max(5, Math.round(config.refresh / 1000));
  const other = words.otherLanguage;
  const feedHref = language === 'id' ? 'feed.atom' : `feed.atom?lang=${language}`;
  const notices = noticesFor(gate.state, config, language);

  const reasons =
    gate.reasons.length === 0
      ? ''
      : `<section class="reason"><h2>${esc(words.reasonHeading)}</h2><ul>${gate.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></section>`;
  const reopening = gate.reopensAt === null ? '' : `<p class="reopen">${esc(words.reopening(when(gate.reopensAt)))}</p>`;
  const buffering = gate.buffering ? `<p class="buffering">${esc(words.buffering)}</p>` : '';
  const noticeBlock =
    notices.length === 0
      ? ''
      : `<section class="notice"><h2>${esc(words.noticeHeading)}</h2>${notices.map((n) => noticeHtml(n, language)).join('')}</section>`;

  return [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="refresh" content="${refreshSeconds}">`,
    `<meta name="color-scheme" content="light">`,
    `<title>${esc(words.headline[gate.state])} · ${esc(config.office_name)}</title>`,
    '<link rel="stylesheet" href="assets/status.css">',
    `<link rel="alternate" type="application/atom+xml" href="${esc(feedHref)}" title="${esc(words.feed.title(config.office_name))}">`,
    '</head>',
    `<body class="state-${gate.state}">`,
    '<header class="top">',
    `<p class="office">${esc(config.office_name)}</p>`,
    `<a class="lang" href="?lang=${other.language}" hreflang="${other.language}" lang="${other.language}">${esc(other.label)}</a>`,
    '</header>',
    '<main>',
    `<section class="gate gate-${gate.state}">`,
    `<span class="icon" aria-hidden="true">${halted ? '&#x2715;' : '&#x2713;'}</span>`,
    `<h1>${esc(words.headline[gate.state])}</h1>`,
    `<p class="since">${esc(words.since(when(gate.since)))}</p>`,
    `<p class="sub">${esc(words.subline[gate.state])}</p>`,
    '</section>',
    reopening,
    buffering,
    reasons,
    noticeBlock,
    `<p class="meta">${esc(words.lastCheck(when(gate.checkedAt)))}</p>`,
    `<p class="meta">${esc(words.refreshNote(refreshSeconds))}</p>`,
    `<p class="feed"><a href="${esc(feedHref)}" type="application/atom+xml">${esc(words.feedLink)}</a></p>`,
    '</main>',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}

/** Gate state changes (not reason changes within a halt), newest first, reading at most a few pages. */
function recentStateChanges(store: Pick<Store, 'transitions'>, wanted: number): StoredTransition[] {
  const found: StoredTransition[] = [];
  let before: number | undefined;
  for (let page = 0; page < 10 && found.length < wanted; page += 1) {
    const { items, nextBefore } = store.transitions.listWithoutEvidence({ limit: 200, ...(before === undefined ? {} : { before }) });
    found.push(...items.filter((t) => t.from !== t.to));
    if (nextBefore === null) break;
    before = nextBefore;
  }
  return found.slice(0, wanted);
}

/** The request's own origin for the feed's absolute links, when its Host header is a plain host[:port]. */
function originOf(req: Request): string | null {
  const host = req.get('host');
  if (host === undefined || !/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return null;
  return `${req.protocol}://${host}`;
}

function publicHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', STATUS_PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Vary', 'Accept-Language');
}

export function statusPageRouter(deps: StatusPageDeps): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const status = deps.status.status();
    publicHeaders(res);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.send(
      renderStatusPage({
        gate: status.gate,
        config: deps.page,
        language: requestLanguage(req),
        timeZone: deps.timeZone,
        resumeAfterMs: deps.resumeAfterMs,
        now: status.at,
      }),
    );
  });

  router.get('/assets/status.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('Content-Type', 'text/css; charset=utf-8');
    res.send(STATUS_CSS);
  });

  router.get('/feed.atom', (req, res) => {
    publicHeaders(res);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/atom+xml; charset=utf-8');
    res.send(
      renderFeed({
        transitions: recentStateChanges(deps.store, FEED_ENTRIES),
        config: deps.page,
        site: deps.site,
        language: requestLanguage(req),
        timeZone: deps.timeZone,
        origin: feedOrigin(deps.publicUrl, originOf(req)),
        now: deps.clock.now(),
      }),
    );
  });

  return router;
}
