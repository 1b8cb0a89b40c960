// PLACEHOLDER during development: replaced by the admin page work (issue 5).
import { Router } from 'express';
import type { Logger } from 'pino';
import type { AlertPipeline } from '../alerting/pipeline.js';
import type { Engine } from '../engine.js';
import type { Store } from '../store/sqlite.js';
import type { TokenChecker } from './auth.js';

export interface AdminDeps {
  readonly engine: Engine;
  readonly alerting: AlertPipeline | null;
  readonly store: Store;
  readonly tokens: TokenChecker;
  readonly timeZone: string;
  readonly resumeAfterMs: number;
  readonly clock: () => number;
  readonly logger: Logger;
}

export function adminRouter(_deps: AdminDeps): Router {
  return Router();
}
