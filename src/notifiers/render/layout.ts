// Lays one email model out twice, as plain text and as phone-sized HTML, so both parts carry the same
// facts by construction. Pure. Every string in the model is plain text; HTML escapes all of it here.
import type { GateStateName } from '../../core/types.js';
import type { Language } from '../../core/alerts/types.js';

export interface ModelList {
  readonly heading: string;
  readonly items: readonly string[];
}

export interface ModelSection {
  readonly title: string;
  /** "Sejak 08.15 WIB (2 jam 5 menit lalu)" */
  readonly since: string | null;
  /** What happened in plain words, before the numbers. */
  readonly summary: string | null;
  readonly lines: readonly string[];
  readonly step: { readonly label: string; readonly text: string } | null;
}

export interface EmailModel {
  readonly language: Language;
  readonly subject: string;
  readonly greeting: string;
  /** Good news of a resolved message, or the reminder note of a repeat. */
  readonly lead: string | null;
  /** The gate now; absent in a test email. */
  readonly gate: {
    readonly state: GateStateName;
    readonly headline: string;
    readonly since: string;
    readonly notes: readonly string[];
    readonly lists: readonly ModelList[];
  } | null;
  readonly body: readonly string[];
  readonly sections: readonly ModelSection[];
  readonly resolved: ModelList | null;
  readonly footer: {
    readonly lines: readonly string[];
    readonly link: { readonly label: string; readonly url: string } | null;
    readonly closing: readonly string[];
  };
}

export function layoutText(m: EmailModel): string {
  const out: string[] = [m.greeting, ''];
  if (m.lead !== null) out.push(m.lead, '');
  if (m.gate !== null) {
    out.push(`${m.gate.headline} ${m.gate.since}`);
    out.push(...m.gate.notes);
    for (const list of m.gate.lists) out.push(list.heading, ...list.items.map((item) => `  - ${item}`));
    out.push('');
  }
  if (m.body.length > 0) out.push(...m.body, '');
  for (const s of m.sections) {
    out.push(`■ ${s.title}`);
    if (s.since !== null) out.push(s.since);
    if (s.summary !== null) out.push(s.summary);
    out.push(...s.lines.map((line) => `- ${line}`));
    if (s.step !== null) out.push(`${s.step.label} ${s.step.text}`);
    out.push('');
  }
  if (m.resolved !== null) out.push(m.resolved.heading, ...m.resolved.items.map((item) => `- ${item}`), '');
  // "-- " on its own line is the signature separator mail clients fold away.
  out.push('-- ', ...m.footer.lines);
  if (m.footer.link !== null) out.push(`${m.footer.link.label} ${m.footer.link.url}`);
  out.push(...m.footer.closing);
  return `${out.join('\n')}\n`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const TONE: Record<GateStateName, { readonly border: string; readonly background: string; readonly color: string }> = {
  halted: { border: '#b00020', background: '#fdecea', color: '#8a0018' },
  allowed: { border: '#1b7f3b', background: '#e8f5ec', color: '#14602c' },
};

const P = 'margin:0 0 8px 0;';
const UL = 'margin:4px 0 8px 0;padding-left:20px;';

const paragraph = (text: string, style = P) => `<p style="${style}">${escapeHtml(text)}</p>`;
const bulleted = (items: readonly string[]) =>
  items.length === 0 ? '' : `<ul style="${UL}">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;

/** Only http(s) links become anchors: anything else (javascript:, data:) is shown as text. */
function link(label: string, url: string): string {
  if (!/^https?:\/\//i.test(url)) return paragraph(`${label} ${url}`);
  return `<p style="${P}">${escapeHtml(label)} <a href="${escapeHtml(url)}" style="color:#0b57d0;">${escapeHtml(url)}</a></p>`;
}

export function layoutHtml(m: EmailModel): string {
  const parts: string[] = [paragraph(m.greeting)];
  if (m.lead !== null) parts.push(paragraph(m.lead, `${P}font-size:18px;font-weight:bold;`));
  if (m.gate !== null) {
    const tone = TONE[m.gate.state];
    parts.push(
      `<div style="border-left:6px solid ${tone.border};background:${tone.background};padding:12px 14px;margin:0 0 16px 0;">`,
      paragraph(m.gate.headline, `margin:0;font-size:24px;line-height:1.25;font-weight:bold;color:${tone.color};`),
      paragraph(m.gate.since, 'margin:4px 0 8px 0;font-size:16px;'),
      ...m.gate.notes.map((note) => paragraph(note)),
      ...m.gate.lists.map((list) => `${paragraph(list.heading, 'margin:8px 0 0 0;font-weight:bold;')}${bulleted(list.items)}`),
      '</div>',
    );
  }
  parts.push(...m.body.map((line) => paragraph(line)));
  for (const s of m.sections) {
    parts.push(
      `<h2 style="font-size:18px;line-height:1.3;margin:16px 0 4px 0;">${escapeHtml(s.title)}</h2>`,
      s.since === null ? '' : paragraph(s.since, `${P}color:#444;`),
      s.summary === null ? '' : paragraph(s.summary, `${P}font-weight:bold;`),
      bulleted(s.lines),
      s.step === null
        ? ''
        : `<p style="${P}background:#fff8e1;padding:8px 10px;"><strong>${escapeHtml(s.step.label)}</strong> ${escapeHtml(s.step.text)}</p>`,
    );
  }
  if (m.resolved !== null) {
    parts.push(`<h2 style="font-size:18px;line-height:1.3;margin:16px 0 4px 0;color:#14602c;">${escapeHtml(m.resolved.heading)}</h2>`);
    parts.push(bulleted(m.resolved.items));
  }
  const footer = [
    ...m.footer.lines.map((line) => paragraph(line, 'margin:0 0 4px 0;')),
    m.footer.link === null ? '' : link(m.footer.link.label, m.footer.link.url),
    ...m.footer.closing.map((line) => paragraph(line, 'margin:0 0 4px 0;')),
  ];
  parts.push(`<div style="border-top:1px solid #ddd;margin-top:20px;padding-top:10px;font-size:13px;color:#555;">${footer.join('')}</div>`);
  return [
    '<!DOCTYPE html>',
    `<html lang="${m.language === 'en' ? 'en' : 'id'}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(m.subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f4f4;">',
    '<div style="max-width:600px;margin:0 auto;padding:16px;background:#ffffff;color:#1a1a1a;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;">',
    parts.filter((p) => p !== '').join('\n'),
    '</div></body></html>',
    '',
  ].join('\n');
}
