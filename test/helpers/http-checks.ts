// Checks shared by the HTTP fault tests: the security headers every answer carries, no stack trace in a
// body, and summing a metric's series from a /metrics text. Pure.
import assert from 'node:assert/strict';

type Headers = Readonly<Record<string, string | string[] | undefined>> | globalThis.Headers;

const header = (headers: Headers, name: string): string => {
  const value = headers instanceof globalThis.Headers ? headers.get(name) : headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
};

/** nosniff, no framing (both the old header and the CSP's frame-ancestors), a CSP, a referrer policy. */
export function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(header(headers, 'x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(header(headers, 'x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  const csp = header(headers, 'content-security-policy');
  assert.match(csp, /default-src 'none'/, `${what}: a CSP that allows nothing by default`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.match(header(headers, 'referrer-policy'), /^(no-referrer|same-origin)$/, `${what}: Referrer-Policy`);
}

/** A V8 stack frame looks like `at fn (/path/file.js:12:5)`. */
export function assertNoStack(body: string, what: string): void {
  assert.ok(!/\bat [^\n]*\.[cm]?[jt]s:\d+/.test(body), `${what}: a stack frame in the body: ${body.slice(0, 300)}`);
  assert.ok(!/\b(URIError|TypeError|RangeError|SyntaxError)\b/.test(body), `${what}: an error class in the body: ${body.slice(0, 300)}`);
}

/** The sum of every sample of `name` whose labels contain `filter`. */
export function sumSeries(metrics: string, name: string, filter = ''): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.includes(filter)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
