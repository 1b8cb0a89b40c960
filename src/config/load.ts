// Turns a YAML file plus environment secrets into a validated, frozen Config, or a list of errors
// that name the file, line and key path. Reads the file; everything else is pure.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { redactConfig, shownValue } from './redact.js';
import { configSchema, type AdminToken, type Config, type FileConfig, type HeartbeatToken } from './schema.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variables jaga reads; only the composition root passes process.env here. */
export interface ConfigEnv {
  readonly JAGA_ADMIN_TOKENS?: string | undefined;
  readonly JAGA_SMTP_PASSWORD?: string | undefined;
  readonly JAGA_WEBHOOK_SECRET?: string | undefined;
  readonly JAGA_HEARTBEAT_TOKENS?: string | undefined;
}

export function loadConfigFile(file: string, env: ConfigEnv): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  return parseConfig(text, file, env);
}

export function parseConfig(text: string, file: string, env: ConfigEnv): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return `${at ? `line ${at.line}, column ${at.col}: ` : ''}YAML syntax: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    );
  }
  const raw = plainValue(doc, lines, file);
  const problems: string[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, doc, lines, raw));
  }
  if (parsed.success) problems.push(...unreadableCaFiles(parsed.data, doc, lines));
  const tokens = parseAdminTokens(env.JAGA_ADMIN_TOKENS);
  if (typeof tokens === 'string') problems.push(tokens);
  const heartbeatTokens = parsed.success
    ? parseHeartbeatTokens(env.JAGA_HEARTBEAT_TOKENS, parsed.data.heartbeats.map((h) => h.name), typeof tokens === 'string' ? [] : tokens)
    : [];
  if (typeof heartbeatTokens === 'string') problems.push(heartbeatTokens);
  if (problems.length > 0 || !parsed.success || typeof tokens === 'string' || typeof heartbeatTokens === 'string') throw new ConfigError(file, problems);
  const secret = (value: string | undefined) => (value === undefined || value === '' ? null : value);
  const webhookSecret = secret(env.JAGA_WEBHOOK_SECRET);
  if (webhookSecret === null && parsed.data.gate_actions.some((a) => a.type === 'webhook')) {
    throw new ConfigError(file, ['JAGA_WEBHOOK_SECRET: is required when gate_actions has a webhook (its deliveries are signed)']);
  }
  return deepFreeze({ ...parsed.data, adminTokens: tokens, heartbeatTokens, smtpPassword: secret(env.JAGA_SMTP_PASSWORD), webhookSecret });
}

/**
 * How many copies aliases may make in all (yaml's own default, said here): a "billion laughs" file of
 * nested aliases would otherwise expand to gigabytes.
 */
const MAX_ALIAS_COUNT = 100;

/** The document as plain values; aliases that expand too far are a ConfigError with the line of the first alias. */
function plainValue(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    let alias: { range?: [number, number, number] | null } | undefined;
    visit(doc, {
      Alias(_key, node) {
        alias = node;
        return visit.BREAK;
      },
    });
    const offset = alias?.range?.[0];
    const at = offset === undefined ? '' : `line ${lines.linePos(offset).line}, column ${lines.linePos(offset).col}: `;
    const why = error instanceof ReferenceError && /excessive alias/i.test(error.message)
      ? `aliases expand to more than ${MAX_ALIAS_COUNT} copies (as in a "billion laughs" attack): write the values out`
      : (error as Error).message;
    throw new ConfigError(file, [`${at}YAML: ${why}`]);
  }
}

/** A CA file that cannot be read would fail every probe of its target: refuse to start instead. */
function unreadableCaFiles(config: FileConfig, doc: Document, lines: LineCounter): string[] {
  const problems: string[] = [];
  for (const group of ['targets', 'reference_targets'] as const) {
    config.central[group].forEach((target, index) => {
      if (target.type !== 'http' || target.tls_ca === undefined) return;
      const path = ['central', group, index, 'tls_ca'];
      try {
        if (!readFileSync(target.tls_ca, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
          problems.push(`${locate(doc, lines, path)}${formatPath(path)}: ${target.tls_ca} holds no PEM certificate`);
        }
      } catch (error) {
        problems.push(`${locate(doc, lines, path)}${formatPath(path)}: cannot read ${target.tls_ca} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    });
  }
  return problems;
}

/** JAGA_ADMIN_TOKENS="kabid=<secret>,it=<secret>": the name before "=" is who the audit records. */
export function parseAdminTokens(value: string | undefined): AdminToken[] | string {
  if (value === undefined || value.trim() === '') return [];
  const tokens: AdminToken[] = [];
  for (const entry of value.split(',')) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    const token = entry.slice(at + 1).trim();
    if (at <= 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
      return 'JAGA_ADMIN_TOKENS: each entry must be name=secret, names of letters, digits, "_", "." or "-"';
    }
    if (token.length < 16) return `JAGA_ADMIN_TOKENS: the token for "${name}" must be at least 16 characters`;
    if (tokens.some((t) => t.name === name)) return `JAGA_ADMIN_TOKENS: the name "${name}" is used twice`;
    // One token under two names would make the audit record whichever name came last.
    const holder = tokens.find((t) => t.token === token);
    if (holder !== undefined) {
      return `JAGA_ADMIN_TOKENS: "${holder.name}" and "${name}" have the same token: give each person their own, so the audit knows who acted`;
    }
    tokens.push({ name, token });
  }
  return tokens;
}

/**
 * JAGA_HEARTBEAT_TOKENS="upload=<secret>,sync=<secret>": a token that may ping (and read) the named
 * heartbeat and nothing else, for the upload script on a station. Several tokens may share a heartbeat.
 */
export function parseHeartbeatTokens(value: string | undefined, heartbeats: readonly string[], admin: readonly AdminToken[]): HeartbeatToken[] | string {
  if (value === undefined || value.trim() === '') return [];
  const tokens: HeartbeatToken[] = [];
  for (const entry of value.split(',')) {
    const at = entry.indexOf('=');
    const heartbeat = entry.slice(0, at).trim();
    const token = entry.slice(at + 1).trim();
    if (at <= 0) return 'JAGA_HEARTBEAT_TOKENS: each entry must be heartbeat=secret';
    if (!heartbeats.includes(heartbeat)) {
      const known = heartbeats.length === 0 ? 'the config lists no heartbeats' : `the config's heartbeats are ${heartbeats.join(', ')}`;
      return `JAGA_HEARTBEAT_TOKENS: "${heartbeat}" is not a heartbeat in the config (${known})`;
    }
    if (token.length < 16) return `JAGA_HEARTBEAT_TOKENS: the token for "${heartbeat}" must be at least 16 characters`;
    // An admin's token under a heartbeat would make a station script look like that person in the audit.
    if (admin.some((t) => t.token === token) || tokens.some((t) => t.token === token)) {
      return `JAGA_HEARTBEAT_TOKENS: the token for "${heartbeat}" is used elsewhere too: give each heartbeat token its own secret`;
    }
    tokens.push({ heartbeat, token });
  }
  return tokens;
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, raw: unknown): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  const where = locate(doc, lines, path);
  const keyPath = formatPath(path) || '(top level)';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (check the spelling against the README)`;
  } else if (issue.code === 'invalid_type' && valueAt(raw, path) === undefined) {
    message = 'is required';
  } else if (issue.code === 'invalid_type') {
    const got = valueAt(raw, path);
    // YAML's .inf and .nan are numbers that zod's number refuses: say why. zod says a fraction where a
    // count belongs is not of type "int".
    const expected = typeof got !== 'number' ? issue.expected : Number.isFinite(got) && issue.expected === 'int' ? 'whole number' : 'finite number';
    message = `must be ${expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`} (got ${shownValue(got)})`;
  } else if (issue.code !== 'custom') {
    const got = valueAt(raw, path);
    if (got !== undefined) message = `${message} (got ${shownValue(got)})`;
  }
  return `${where}${keyPath}: ${message}`;
}

/** "storage.volumes[0].halt_ratio" */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  // Walk down as far as the document goes, so a missing key points at its parent.
  for (let depth = path.length; depth >= 1; depth -= 1) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    const keyNode = depth > 0 ? keyNodeOf(doc, path.slice(0, depth)) : undefined;
    const offset = keyNode?.range?.[0] ?? node?.range?.[0];
    if (offset !== undefined) {
      const pos = lines.linePos(offset);
      return `line ${pos.line}: `;
    }
  }
  return '';
}

function keyNodeOf(doc: Document, path: readonly PropertyKey[]): { range?: [number, number, number] } | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last);
    return (pair?.key as { range?: [number, number, number] } | undefined) ?? undefined;
  }
  if (isSeq(parent) && typeof last === 'number') return parent.items[last] as { range?: [number, number, number] };
  return undefined;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The effective config for `jaga check-config`: every secret-looking value masked (see redact.ts). */
export function maskedConfig(config: Config): unknown {
  return redactConfig(config);
}
