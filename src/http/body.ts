// Request bodies: at most MAX_BODY_BYTES, declared (Content-Length) or chunked. Past the limit jaga answers
// 413 at once and closes the connection instead of draining the rest. JSON for the API, urlencoded for the
// admin forms; parse errors carry body-parser's `type` names. HTTP I/O.
import { parse as parseQuery } from 'node:querystring';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const MAX_BODY_BYTES = 16 * 1024;

/** Form fields at most: the admin's forms have five. */
export const MAX_FORM_FIELDS = 20;

export class BodyError extends Error {
  constructor(
    /** As body-parser names them: entity.parse.failed, encoding.unsupported, charset.unsupported, parameters.too.many. */
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const raw = new WeakMap<Request, Buffer>();

const hasBody = (req: Request): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Reads every request's body into memory, up to `limit` bytes. `tooLarge` answers when the declared
 * length or the bytes received pass it; the request is then paused and the connection closed after
 * the answer, so a chunked stream without end costs us no more than `limit` bytes.
 */
export function readBodies(limit: number, tooLarge: (res: Response) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!hasBody(req)) {
      next();
      return;
    }
    const refuse = () => {
      req.pause();
      res.setHeader('Connection', 'close');
      tooLarge(res);
    };
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      refuse();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', stop);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      refuse();
    };
    const onEnd = () => {
      stop();
      raw.set(req, Buffer.concat(chunks));
      next();
    };
    // A client that goes away mid-body gets no answer: there is nobody to read it.
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', stop);
  };
}

/** The body as UTF-8 text when it was read and has this media type; refuses other encodings and charsets. */
function textOf(req: Request, type: string): string | undefined {
  const body = raw.get(req);
  if (body === undefined || !req.is(type)) return undefined;
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw new BodyError('encoding.unsupported', `unsupported content encoding "${encoding.slice(0, 40)}"`);
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new BodyError('charset.unsupported', 'unsupported charset');
  return body.toString('utf8');
}

/** application/json bodies as req.body: an object or an array (strict), `{}` when empty. */
export const jsonBody: RequestHandler = (req, _res, next) => {
  const text = textOf(req, 'application/json');
  if (text === undefined) {
    next();
    return;
  }
  const trimmed = text.trim();
  if (trimmed === '') {
    req.body = {};
    next();
    return;
  }
  if (trimmed[0] !== '{' && trimmed[0] !== '[') throw new BodyError('entity.parse.failed', 'not a JSON object or array');
  try {
    req.body = JSON.parse(trimmed) as unknown;
  } catch {
    throw new BodyError('entity.parse.failed', 'invalid JSON');
  }
  next();
};

/** application/x-www-form-urlencoded bodies as req.body; a repeated field reads as an array. */
export const formBody: RequestHandler = (req, _res, next) => {
  const text = textOf(req, 'application/x-www-form-urlencoded');
  if (text !== undefined) {
    if (text.split('&').length > MAX_FORM_FIELDS) throw new BodyError('parameters.too.many', 'too many form fields');
    req.body = parseQuery(text, '&', '=', { maxKeys: MAX_FORM_FIELDS });
  }
  next();
};
