// PLACEHOLDER during development: replaced by the status page work (issue 5).
import { Router } from 'express';
import type { StatusPageConfig } from '../config/schema.js';
import type { Engine } from '../engine.js';
import type { Store } from '../store/sqlite.js';

export interface StatusPageDeps {
  readonly engine: Engine;
  readonly store: Store;
  readonly page: StatusPageConfig;
  readonly site: string;
  readonly timeZone: string;
  readonly resumeAfterMs: number;
  readonly clock: () => number;
}

export function statusPageRouter(_deps: StatusPageDeps): Router {
  return Router();
}
