// HTML building blocks for /admin: escaping by default (an `html` template escapes everything it is
// given unless it is already Html), the page layout, and the stylesheet. Pure.
import type { Language } from '../../i18n/catalogue.js';

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Fragment = Html | string | number | null | undefined | false | readonly Fragment[];

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(fragment: Fragment): string {
  if (fragment === null || fragment === undefined || fragment === false) return '';
  if (fragment instanceof Html) return fragment.value;
  if (Array.isArray(fragment)) return fragment.map(render).join('');
  return escapeHtml(String(fragment));
}

export function html(strings: TemplateStringsArray, ...values: readonly Fragment[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

export interface Layout {
  readonly language: Language;
  readonly title: string;
  /** Right side of the top bar: who is signed in, logout, language switch. */
  readonly bar: Fragment;
  readonly body: Fragment;
}

export function layout(page: Layout): string {
  return `<!doctype html>\n${html`<html lang="${page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title}</title>
<link rel="stylesheet" href="/admin/assets/admin.css">
</head>
<body>
<header class="bar"><strong>${page.title}</strong><div class="bar-right">${page.bar}</div></header>
<main>
${page.body}
</main>
</body>
</html>
`.value}`;
}

/** Served at /admin/assets/admin.css (CSP `style-src 'self'`: no inline styles anywhere). */
export const ADMIN_CSS = `
:root { color-scheme: light; --ok: #17632f; --bad: #a3161a; --warn: #8a5a00; --line: #d4d7dc; --muted: #5b6270; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #f5f6f8; }
.bar { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  padding: .6rem 1rem; background: #1f2a37; color: #fff; }
.bar a { color: #cfe3ff; }
.bar-right { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
.bar form { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .8rem 1rem; margin: 0 0 1rem; }
h1 { font-size: 1.3rem; margin: .2rem 0 .8rem; }
h2 { font-size: 1.1rem; margin: .2rem 0 .6rem; }
h3 { font-size: 1rem; margin: .8rem 0 .4rem; }
.gate { border-width: 3px; }
.gate.allowed { border-color: var(--ok); }
.gate.halted { border-color: var(--bad); }
.state { font-size: 1.8rem; font-weight: 800; letter-spacing: .02em; margin: 0; }
.allowed .state { color: var(--ok); }
.halted .state { color: var(--bad); }
.forecast { margin: .5rem 0; }
.buffering { margin: .5rem 0; padding: .4rem .6rem; border-left: 4px solid var(--warn); background: #fff4de; }
.muted { color: var(--muted); }
.flash { padding: .6rem .8rem; border-radius: 6px; margin: 0 0 1rem; border: 1px solid; }
.flash.ok { background: #e8f5ec; border-color: var(--ok); }
.flash.error { background: #fdecec; border-color: var(--bad); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #eef0f3; white-space: nowrap; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
code, .facts { font: .85rem/1.35 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
code.id { white-space: nowrap; overflow-wrap: normal; }
ul.facts { margin: .2rem 0 0; padding-left: 1rem; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-weight: 600; font-size: .85rem; }
.tag.up, .tag.ok, .tag.allowed { background: #e8f5ec; color: var(--ok); }
.tag.down, .tag.bad, .tag.halted, .tag.critical, .tag.firing { background: #fdecec; color: var(--bad); }
.tag.unknown, .tag.warning, .tag.pending { background: #fff4de; color: var(--warn); }
meter { width: 6rem; }
form.inline { display: inline; margin: 0; }
.forms { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
label { display: block; font-weight: 600; margin: .6rem 0 .2rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; }
fieldset label { font-weight: 400; margin: .2rem 0; }
input[type=text], input[type=password], textarea { width: 100%; padding: .45rem; font: inherit; border: 1px solid #9aa1ab; border-radius: 5px; }
textarea { min-height: 4.5rem; font-family: ui-monospace, Menlo, monospace; }
button { font: inherit; padding: .45rem .9rem; border-radius: 5px; border: 1px solid #1f2a37; background: #1f2a37; color: #fff; cursor: pointer; margin-top: .6rem; }
button.small { padding: .15rem .6rem; margin: 0; background: #fff; color: #1f2a37; }
.bar button { margin: 0; background: transparent; border-color: #cfe3ff; color: #fff; padding: .15rem .6rem; }
.error-text { color: var(--bad); font-weight: 600; }
.login { max-width: 26rem; margin: 2rem auto; }
@media (max-width: 40rem) {
  main { padding: .5rem; }
  section { padding: .6rem; }
  .state { font-size: 1.4rem; }
}
`;
