// The alert pipeline's silences on a real SQLite store: regexes are compiled when a silence is created
// or loaded, never while alerts are matched, however many distinct sources the silences hold and
// however many sources input validation looks at in between. Counts RE2 compilations.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { pino } from 'pino';
import { RE2JS } from 're2js';
import { silenceMatchersProblem } from '../../src/core/alerts/matchers.js';
import { OutboxFallback } from '../../src/notifiers/outbox-fallback.js';
import { AlertPipeline, type PipelineOptions } from '../../src/shell/alert-pipeline.js';
import type { AlertRulesPolicy } from '../../src/core/alerts/rules.js';
import type { Matchers, Silence } from '../../src/core/alerts/types.js';
import type { Gate } from '../../src/core/types.js';
import { Metrics } from '../../src/runtime/metrics.js';
import type { Store } from '../../src/store/sqlite.js';
import { WriteFailures } from '../../src/store/write-failures.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';
import { tempStore, type TempStore } from '../helpers/temp-store.js';
import { ManualClock } from '../helpers/manual-clock.js';

const T = 1_800_000_000_000;
const HOUR = 3_600_000;

const rules: AlertRulesPolicy = {
  site: 'kua-test',
  downWhen: 'any',
  centralUnreachableForMs: 60_000,
  centralSlow: { forMs: 60_000, latencyMs: 1_000 },
  storageWarningForMs: 60_000,
  storageCriticalForMs: 60_000,
  storageFilling: { forMs: 60_000, etaMs: 86_400_000 },
  haltForecast: { forMs: 0, withinWorkingMs: 3 * 8 * HOUR, working: DEFAULT_OFFICE_CALENDAR },
  recordingHaltedForMs: 60_000,
  // Fires at once while the store fails: the one alert these tests match silences against.
  jagaDegraded: { forMs: 0, outboxAgeMs: HOUR },
  backlogWarningForMs: 60_000,
  backlogCriticalForMs: 60_000,
  uploadStalledForMs: 60_000,
  backlogSourceUnavailableForMs: 60_000,
  volumes: [],
  backlogs: [],
  heartbeats: [],
};

const gate: Gate = { state: 'allowed', mode: 'normal', buffering: null, forecast: null, since: T, reasons: [], overridden: [], clearSince: null, decidedAt: T, validUntil: T + 60_000, override: null };

/** Three distinct regexes: the first two hold for JagaDegraded, the third never, so all three run. */
const nearMiss = (tag: string): Matchers => ({ alertname: `~JagaDegraded|a-${tag}`, severity: `~warning|b-${tag}`, site: `~c-${tag}` });

let temp: TempStore;
let store: Store;

beforeEach(() => {
  temp = tempStore('jaga-pipeline-silences-');
  store = temp.store;
});
afterEach(() => {
  mock.restoreAll();
  temp.remove();
});

function pipelineWith(configSilences: readonly Silence[] = []): AlertPipeline {
  const logger = pino({ level: 'silent' });
  const writeFailures = new WriteFailures('to the outbox', { logger, onFailure: () => undefined });
  const options: PipelineOptions = {
    rules,
    recipients: [],
    timing: { groupWaitMs: 0, groupIntervalMs: 60_000, repeatIntervalMs: HOUR, sendResolved: true },
    recurringSilences: [],
    configSilences,
    render: { site: 'kua-test', timeZone: 'Asia/Jakarta', publicUrl: null, contacts: {} },
    outboxRetentionMs: 86_400_000,
    outboxMaxAgeMs: 86_400_000,
  };
  return new AlertPipeline(options, {
    store,
    metrics: new Metrics({ version: 'test', targets: [], volumes: [], alertmanager: false, alertChannels: ['email'], gateActionTypes: [], backlogSources: [], heartbeats: [] }),
    logger,
    clock: new ManualClock(T),
    fallback: new OutboxFallback(store.outbox, 3, { logger, failures: writeFailures, clock: new ManualClock(T) }),
    writeFailures,
    onEnqueued: () => undefined,
  });
}

/** The silence muting each current alert, and how many regexes were compiled to find out. */
function matchCounting(pipeline: AlertPipeline): { readonly silencedBy: (string | null)[]; readonly compiled: number } {
  const compile = mock.method(RE2JS, 'compile');
  const silencedBy = pipeline.alerts.map((a) => a.silencedBy);
  const compiled = compile.mock.callCount();
  compile.mock.restore();
  return { silencedBy, compiled };
}

const configSilence = (i: number): Silence => ({ id: `config-${i}`, matchers: nearMiss(`config-${i}`), startsAt: T - HOUR, endsAt: T + HOUR, createdBy: 'config', comment: 'bulk' });

describe('silence regexes are compiled once, not while matching', () => {
  test('300 distinct sources from config and stored API silences: matching compiles none', () => {
    const creating = pipelineWith();
    for (let i = 0; i < 50; i += 1) creating.createSilence({ matchers: nearMiss(`api-${i}`), startsAt: T - HOUR, endsAt: T + HOUR, comment: 'bulk' }, 'operator');
    // A restart: API silences come back from the store, config silences from the options.
    const pipeline = pipelineWith(Array.from({ length: 50 }, (_, i) => configSilence(i)));
    pipeline.update({ targets: [], volumes: [], backlogs: [], heartbeats: [], gate }, T - 1);
    for (let evaluation = 0; evaluation < 3; evaluation += 1) {
      assert.deepEqual(matchCounting(pipeline), { silencedBy: [null], compiled: 0 });
    }
  });

  test('input validation in between pushes no live matcher out', () => {
    const pipeline = pipelineWith();
    for (let i = 0; i < 50; i += 1) pipeline.createSilence({ matchers: nearMiss(`api-${i}`), startsAt: T - HOUR, endsAt: T + HOUR, comment: 'bulk' }, 'operator');
    pipeline.update({ targets: [], volumes: [], backlogs: [], heartbeats: [], gate }, T - 1);
    for (let i = 0; i < 300; i += 1) assert.notEqual(silenceMatchersProblem({ target: `~refused-${i}(` }), null);
    assert.deepEqual(matchCounting(pipeline), { silencedBy: [null], compiled: 0 });
  });

  test('the control: a silence that holds mutes the alert', () => {
    const pipeline = pipelineWith();
    const mute = pipeline.createSilence({ matchers: { alertname: '~Jaga.*', site: 'kua-test' }, startsAt: T - HOUR, endsAt: T + HOUR, comment: 'known' }, 'operator');
    pipeline.update({ targets: [], volumes: [], backlogs: [], heartbeats: [], gate }, T - 1);
    assert.deepEqual(matchCounting(pipeline), { silencedBy: [mute.id], compiled: 0 });
  });
});
