// Crawls what an unauthenticated visitor can reach: from start paths, every href and src of HTML pages
// and Atom feeds on the same origin, breadth first and bounded; and finds secrets in what came back.
// Loopback network I/O (through raw-http.ts); findLeaks is pure.
import { httpRequest } from './raw-http.js';

export interface Visited {
  /** Method and path, e.g. "GET /feed.atom?lang=en". */
  readonly request: string;
  readonly status: number;
  /** Header lines and body, as one text to search. */
  readonly text: string;
}

export interface CrawlRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const entities = (value: string) => value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** Same-origin links of an HTML page or Atom feed, as paths with their query. */
export function linksOf(body: string, pageUrl: URL): string[] {
  const found: string[] = [];
  for (const match of body.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/gi)) {
    const target = new URL(entities(match[1] ?? ''), pageUrl);
    if (target.origin === pageUrl.origin) found.push(`${target.pathname}${target.search}`);
  }
  return found;
}

/**
 * GETs `start` and every same-origin link found in HTML and XML answers, then sends `extra` as given;
 * at most `limit` GETs. `host` is the Host header: absolute links in answers use it.
 */
export async function crawl(port: number, host: string, start: readonly string[], extra: readonly CrawlRequest[], limit = 200): Promise<Visited[]> {
  const origin = `http://${host}`;
  const queue = [...start];
  const seen = new Set<string>();
  const visited: Visited[] = [];
  while (queue.length > 0 && seen.size < limit) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const answer = await httpRequest(port, path, { headers: { host } });
    visited.push({ request: `GET ${path}`, status: answer.status, text: `${JSON.stringify(answer.headers)}\n${answer.body}` });
    if (/html|xml/.test(String(answer.headers['content-type']))) queue.push(...linksOf(answer.body, new URL(path, origin)));
  }
  for (const request of extra) {
    const method = request.method ?? 'GET';
    const answer = await httpRequest(port, request.path, { method, headers: { host, ...request.headers }, ...(request.body === undefined ? {} : { body: request.body }) });
    visited.push({ request: `${method} ${request.path}`, status: answer.status, text: `${JSON.stringify(answer.headers)}\n${answer.body}` });
  }
  return visited;
}

/** What must never show: literal secrets by name, and patterns (stack frames, error codes). */
export interface Secrets {
  readonly literals: Readonly<Record<string, string>>;
  readonly patterns: Readonly<Record<string, RegExp>>;
}

/** "GET /x: SMTP host" for every secret found in every answer. */
export function findLeaks(visited: readonly Visited[], secrets: Secrets): string[] {
  const leaks: string[] = [];
  for (const v of visited) {
    for (const [name, literal] of Object.entries(secrets.literals)) {
      if (v.text.includes(literal)) leaks.push(`${v.request}: ${name} (${literal.slice(0, 40)})`);
    }
    for (const [name, pattern] of Object.entries(secrets.patterns)) {
      const match = pattern.exec(v.text);
      if (match) leaks.push(`${v.request}: ${name} (${match[0].slice(0, 60)})`);
    }
  }
  return leaks;
}
