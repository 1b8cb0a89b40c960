// How the JSON answers refuse: an error type the routes throw and app.ts answers, and the status of each
// change by hand that was not taken (the API and /admin alike). Pure.
import type { Response } from 'express';
import { SilenceRefused } from '../shell/alert-pipeline.js';
import { OverrideRefused } from '../shell/engine.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}

/**
 * A change by hand that was not taken: past a cap, a conflict to resolve by lifting or expiring one; a
 * refused write, unavailable for now. The status of each refusal, for the API and /admin alike.
 */
export const REFUSED_STATUS: Readonly<Record<OverrideRefused['code'] | SilenceRefused['code'], number>> = {
  too_many_overrides: 409,
  too_many_silences: 409,
  store_unavailable: 503,
};

/** Runs a change by hand; a refusal answers `{"error": code, "message": ...}` with its status. */
export function asRefusalAnswer<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof OverrideRefused || error instanceof SilenceRefused) throw new HttpError(REFUSED_STATUS[error.code], error.code, error.message);
    throw error;
  }
}
