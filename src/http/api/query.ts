// Query strings and bodies of the JSON API through the shared request rules (core/requests.ts): a
// broken one answers 400 with the rule's message. Pure.
import type { Request } from 'express';
import type { z } from 'zod';
import { parseRequest, RequestError } from '../../core/requests.js';
import { HttpError } from '../errors.js';

/** Query parameters, each given at most once (a repeated one would reach the schema as a list). */
export function parseQuery<T>(schema: z.ZodType<T>, req: Request): T {
  for (const [name, value] of Object.entries(req.query)) {
    if (Array.isArray(value)) throw new HttpError(400, 'invalid_request', `${name.slice(0, 40)}: give it once, not ${value.length} times`);
  }
  return asHttp(() => parseRequest(schema, req.query, 'query'));
}

/** The shared request rules (requests.ts) answer 400 with their message here. */
export function asHttp<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RequestError) throw new HttpError(400, 'invalid_request', error.message);
    throw error;
  }
}
