// The express application: security headers, body limits, JSON errors, 404s, and the routes of
// api.ts. Does network I/O only through express.
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { adminRouter, type AdminDeps } from './admin.js';
import { apiRouter, type ApiDeps } from './api.js';
import { statusPageRouter, type StatusPageDeps } from './status-page.js';

export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}

export type AppDeps = ApiDeps & { readonly logger: Logger; readonly statusPage: StatusPageDeps; readonly admin: AdminDeps };

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      // Refuse before reading: nobody needs to send jaga more than 16 KiB.
      res.setHeader('Connection', 'close');
      sendError(res, 413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      return;
    }
    next();
  });
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: true }));

  app.use(apiRouter(deps));
  app.use(statusPageRouter(deps.statusPage));
  app.use(adminRouter(deps.admin));

  app.use((_req: Request, res: Response) => sendError(res, 404, 'not_found', 'no such path'));

  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    if (error instanceof HttpError) {
      sendError(res, error.status, error.code, error.message);
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      sendError(res, 413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    } else if (type === 'entity.parse.failed') {
      sendError(res, 400, 'malformed_json', 'the request body is not valid JSON');
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      sendError(res, 415, 'unsupported_encoding', 'send the body as UTF-8 JSON');
    } else {
      deps.logger.error({ err: error }, 'request failed');
      sendError(res, 500, 'internal', 'internal error; see the jaga log');
    }
  };
  app.use(onError);
  return app;
}
