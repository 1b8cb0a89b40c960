// The Atom 1.0 feed (RFC 4287) of gate state changes for the public: when recording was halted and
// why in plain words, when it resumed, with the office's notices. Pure: transitions, config, language
// and now in, XML out.
import type { StatusPageConfig } from '../../config/schema.js';
import type { StoredTransition } from '../../store/transitions.js';
import { catalogue, type Language } from '../../i18n/catalogue.js';
import { dateTime } from '../../i18n/format.js';
import { escapeMarkup as esc, noticesFor, publicReasons, type PublicText } from '../../views/public-status.js';

/** Tag URIs (RFC 4151) that stay the same for a site whatever year it is read. */
const TAG = 'tag:jaga,2026:';

export interface FeedInput {
  /** Newest first, state changes only. */
  readonly transitions: readonly StoredTransition[];
  readonly config: StatusPageConfig;
  readonly site: string;
  readonly language: Language;
  readonly timeZone: string;
  /** Where absolute links start ("https://host[:port][/path]", see feedOrigin), or null to link relative to the feed. */
  readonly origin: string | null;
  readonly now: number;
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * Where the feed's links point: the configured `public_url` when there is one (the address readers
 * know, whatever Host a request carried), else the request's own origin, else null (relative links).
 */
export function feedOrigin(publicUrl: string | null, requestOrigin: string | null): string | null {
  return publicUrl === null ? requestOrigin : publicUrl.replace(/\/+$/, '');
}

function paragraph(text: PublicText, language: Language): string {
  const lang = text.language === language ? '' : ` lang="${text.language}"`;
  return `<p${lang}>${esc(text.text).replace(/\r?\n/g, '<br>')}</p>`;
}

/** Title and HTML content of one entry; only reason codes reach the words. */
export function describeTransition(t: StoredTransition, input: Pick<FeedInput, 'config' | 'language' | 'timeZone'>): { title: string; html: string } {
  const { language } = input;
  const words = catalogue(language).page.feed;
  const when = dateTime(t.at, input.timeZone, catalogue(language).email.clock);
  const own = (text: string) => paragraph({ text, language }, language);
  const notices = noticesFor(t.to, input.config, language).map((n) => paragraph(n, language));
  if (t.to === 'allowed') {
    return {
      title: t.from === null ? words.opened : words.resumed,
      html: [own(words.openedAt(when)), ...notices].join(''),
    };
  }
  const reasons = publicReasons(t.reasons.map((r) => r.code), language).join(', ');
  return {
    title: words.halted(reasons === '' ? null : reasons),
    html: [
      own(words.haltedAt(when)),
      ...(reasons === '' ? [] : [own(words.reasonLine(reasons))]),
      ...notices,
    ].join(''),
  };
}

export function renderFeed(input: FeedInput): string {
  const { config, language, site } = input;
  const words = catalogue(language).page.feed;
  const base = input.origin ?? '';
  const query = language === 'id' ? '' : `?lang=${language}`;
  const pageUrl = `${base}/${query}`;
  const selfUrl = `${base}/feed.atom${query}`;
  const updated = input.transitions[0]?.at ?? input.now;

  const entries = input.transitions.map((t) => {
    const { title, html } = describeTransition(t, input);
    return [
      '  <entry>',
      `    <id>${esc(`${TAG}${site}/transition/${t.id}-${t.at}`)}</id>`,
      `    <title type="text">${esc(title)}</title>`,
      `    <updated>${iso(t.at)}</updated>`,
      `    <link rel="alternate" type="text/html" href="${esc(pageUrl)}"/>`,
      `    <content type="html">${esc(html)}</content>`,
      '  </entry>',
    ].join('\n');
  });

  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${language}">`,
    `  <id>${esc(`${TAG}${site}/status`)}</id>`,
    `  <title type="text">${esc(words.title(config.office_name))}</title>`,
    `  <subtitle type="text">${esc(words.subtitle)}</subtitle>`,
    `  <updated>${iso(updated)}</updated>`,
    `  <author><name>${esc(config.office_name)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${esc(selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${esc(pageUrl)}"/>`,
    '  <generator>jaga</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
