// What of the configuration may be printed (check-config, error messages): every secret-looking value
// masked, whatever key or text it hides in. Pure.

const MASK = '********';

/** The words that make a key, option, parameter or header name a secret's: password, api_key, auth... */
const SECRET_WORD = '(?:pass|secret|token|key|auth|credential|signature)';
const SECRET_NAME = new RegExp(SECRET_WORD, 'i');
/** `//user:password@` in a URL: the whole userinfo goes (a lone user part is often a token). */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;
/** `token=...` in a query string or an argument (`--password=...`). */
const NAMED_VALUE = new RegExp(`((?:^|[?&;\\s,"])-{0,2}[\\w.-]*${SECRET_WORD}[\\w.-]*=)[^&#\\s,;"]+`, 'gi');
/** A header as a command argument: `Authorization: Bearer ...`, `X-Api-Key: ...`. */
const NAMED_HEADER = new RegExp(`^("?[\\w-]*${SECRET_WORD}[\\w-]*:\\s*)[^"]+`, 'i');
const BEARER = /\b(bearer)\s+[\w.~+/-]{8,}=*/gi;

/** `text` with URL userinfo, secret-named parameters and Authorization credentials masked. */
export function redactText(text: string): string {
  return text
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(NAMED_VALUE, `$1${MASK}`)
    .replace(NAMED_HEADER, `$1${MASK}`)
    .replace(BEARER, `$1 ${MASK}`);
}

/**
 * A copy of a configuration tree for printing: strings under secret-named keys masked whole, every
 * other string masked where it looks secret, and in a list (a command's arguments) the value that
 * follows a secret-named option (`--password x`).
 */
export function redactConfig(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return value !== '' && SECRET_NAME.test(key) ? MASK : redactText(value);
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => {
      const before: unknown = value[index - 1];
      const afterSecretOption = typeof before === 'string' && /^--?[\w.-]+$/.test(before) && SECRET_NAME.test(before);
      return afterSecretOption && typeof item === 'string' ? MASK : redactConfig(item, key);
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfig(v, k)]));
  }
  return value;
}

/** A value as an error message quotes it: secrets masked, at most 80 characters, Infinity as such. */
export function shownValue(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  const masked = redactText(text);
  return masked.length > 80 ? `${masked.slice(0, 79)}…` : masked;
}
