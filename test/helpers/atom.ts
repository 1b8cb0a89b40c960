// A strict check of an Atom 1.0 document (RFC 4287): parsed by Chromium's XML parser (well-formed or
// an error), then the feed's and entries' required elements checked. Browser I/O.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';

export interface AtomEntry {
  readonly id: string;
  readonly title: string;
  readonly updated: string;
  readonly content: string;
  readonly contentType: string | null;
}

export interface AtomFeed {
  readonly lang: string | null;
  readonly id: string;
  readonly title: string;
  readonly updated: string;
  readonly selfHref: string;
  readonly entries: readonly AtomEntry[];
}

interface Parsed {
  error?: string;
  root?: { ns: string | null; name: string; lang: string | null };
  feed?: Record<string, string[]>;
  authors?: number[];
  links?: { rel: string; href: string | null; type: string | null }[];
  entries?: { fields: Record<string, string[]>; contentType: string | null; authors: number; alternate: number }[];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** Parses `xml` in a JavaScript-enabled blank page of `browser`; fails the test on any RFC 4287 breach. */
export async function checkAtom(browser: Browser, xml: string): Promise<AtomFeed> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // tsx (esbuild keepNames) wraps the functions below in __name(), which the page does not have.
    await page.evaluate('globalThis.__name = (fn) => fn');
    const parsed = await page.evaluate((source: string): Parsed => {
      const NS = 'http://www.w3.org/2005/Atom';
      const doc = new DOMParser().parseFromString(source, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      if (error) return { error: error.textContent ?? 'parse error' };
      const root = doc.documentElement;
      const kids = (el: Element, name: string) => [...el.children].filter((c) => c.namespaceURI === NS && c.localName === name);
      const fields = (el: Element) =>
        Object.fromEntries(['id', 'title', 'updated', 'content'].map((name) => [name, kids(el, name).map((c) => c.textContent ?? '')]));
      const authorNames = (el: Element) => kids(el, 'author').map((a) => kids(a, 'name').length);
      return {
        root: { ns: root.namespaceURI, name: root.localName, lang: root.getAttribute('xml:lang') },
        feed: fields(root),
        authors: authorNames(root),
        links: kids(root, 'link').map((l) => ({ rel: l.getAttribute('rel') ?? 'alternate', href: l.getAttribute('href'), type: l.getAttribute('type') })),
        entries: kids(root, 'entry').map((e) => ({
          fields: fields(e),
          contentType: kids(e, 'content')[0]?.getAttribute('type') ?? null,
          authors: kids(e, 'author').length,
          alternate: kids(e, 'link').filter((l) => (l.getAttribute('rel') ?? 'alternate') === 'alternate').length,
        })),
      };
    }, xml);
    assert.equal(parsed.error, undefined, `not well-formed XML: ${parsed.error}`);
    assert.deepEqual({ ns: parsed.root?.ns, name: parsed.root?.name }, { ns: 'http://www.w3.org/2005/Atom', name: 'feed' });
    const feed = parsed.feed ?? {};
    for (const name of ['id', 'title', 'updated']) assert.equal(feed[name]?.length, 1, `atom:feed must contain exactly one atom:${name}`);
    const entries = parsed.entries ?? [];
    const authors = parsed.authors ?? [];
    assert.ok(authors.length > 0 || entries.every((e) => e.authors > 0), 'atom:feed needs an atom:author unless every entry has one');
    for (const names of authors) assert.equal(names, 1, 'atom:author must contain exactly one atom:name');
    const links = parsed.links ?? [];
    for (const link of links) assert.ok(link.href, 'atom:link must have an href');
    const self = links.filter((l) => l.rel === 'self');
    assert.equal(self.length, 1, 'the feed should carry one link rel="self"');
    const alternates = links.filter((l) => l.rel === 'alternate').map((l) => l.type);
    assert.equal(new Set(alternates).size, alternates.length, 'at most one alternate link per type');
    assert.match(feed.id?.[0] ?? '', ABSOLUTE_IRI);
    assert.match(feed.updated?.[0] ?? '', RFC3339);
    const ids = new Set<string>();
    for (const entry of entries) {
      for (const name of ['id', 'title', 'updated']) assert.equal(entry.fields[name]?.length, 1, `atom:entry must contain exactly one atom:${name}`);
      assert.ok((entry.fields.content?.length ?? 0) <= 1, 'at most one atom:content');
      assert.ok((entry.fields.content?.length ?? 0) === 1 || entry.alternate > 0, 'an entry without content needs an alternate link');
      assert.ok(entry.contentType === null || ['text', 'html', 'xhtml'].includes(entry.contentType), `content type ${entry.contentType}`);
      const id = entry.fields.id?.[0] ?? '';
      assert.match(id, ABSOLUTE_IRI);
      assert.ok(!ids.has(id), `duplicate entry id ${id}`);
      ids.add(id);
      assert.match(entry.fields.updated?.[0] ?? '', RFC3339);
    }
    return {
      lang: parsed.root?.lang ?? null,
      id: feed.id?.[0] ?? '',
      title: feed.title?.[0] ?? '',
      updated: feed.updated?.[0] ?? '',
      selfHref: self[0]?.href ?? '',
      entries: entries.map((e) => ({
        id: e.fields.id?.[0] ?? '',
        title: e.fields.title?.[0] ?? '',
        updated: e.fields.updated?.[0] ?? '',
        content: e.fields.content?.[0] ?? '',
        contentType: e.contentType,
      })),
    };
  } finally {
    await context.close();
  }
}
