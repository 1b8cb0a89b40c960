// The soak: a jaga probing one fake central server every second while its faults cycle (refused, 500,
// blackhole, reset, slow, flapping) and the mail server goes away and comes back, with readers on the
// gate, /metrics, the history and the status page meanwhile; samples of the process (RSS, open
// descriptors) and of its database, judged by soak-judge.ts. Process, file and loopback network I/O,
// bounded by the plan's duration.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { FakeCentral, type CentralMode } from '../test/helpers/fake-central.js';
import { startSmtpServer } from '../test/helpers/smtp-server.js';
import { sleep } from './measure.js';
import { judgeFlatness, type Flatness, type ProcessSample } from './soak-judge.js';
import { JagaSubject, makeDir } from './subjects/jaga.js';

export interface SoakPlan {
  readonly durationMs: number;
  /** One sample of the process this often; the central server's mode changes every 3 samples. */
  readonly sampleEveryMs: number;
  /** The run did work if the readers made at least this many rounds (and some email went out). */
  readonly minReadRounds: number;
}

export interface SoakFigures {
  readonly durationMs: number;
  readonly flatness: Flatness;
  readonly samples: readonly ProcessSample[];
  readonly emails: number;
  readonly readRounds: number;
  readonly minReadRounds: number;
  /** /healthz answered 200 at the end. */
  readonly healthyAtEnd: boolean;
}

/** Every fault of the fake central server, each followed by a healthy spell. */
const CYCLE: readonly CentralMode[] = ['refuse', 'ok', 'error500', 'ok', 'blackhole', 'ok', 'reset', 'ok', 'slow', 'ok', 'flap', 'ok'];
const SAMPLES_PER_STEP = 3;
/** What the readers fetch in each round, all at once: a station, Prometheus, a dashboard, a browser. */
const READ_PATHS = ['/api/v1/gate', '/metrics', '/api/v1/history', '/status'] as const;
const READ_PAUSE_MS = 100;

export async function runSoak(plan: SoakPlan, how: { nodeFlags?: readonly string[]; bin?: string } = {}): Promise<SoakFigures> {
  const central = await FakeCentral.start(2_000);
  const smtp = await startSmtpServer();
  let jaga: JagaSubject | undefined;
  try {
    jaga = await JagaSubject.start(
      (dir) => ({
        site: 'bench',
        central: { schedule: '* * * * * *', timeout: '500ms', failure_threshold: 2, recovery_threshold: 2, targets: [{ name: 'pusat', type: 'http', url: central.url }] },
        storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: makeDir(join(dir, 'volume')) }] },
        gate: { resume_after: '1s' },
        // Short retention and outbox age, so that pruning and giving up on mail happen many times over.
        store: { sample_retention: '30s', transition_retention: '30s' },
        alerts: {
          group_wait: '1s',
          group_interval: '2s',
          repeat_interval: '10s',
          rules: { jaga_degraded: { for: '5s' } },
          smtp: { host: smtp.host, port: smtp.port, tls: 'none', from: 'jaga <jaga@bench.invalid>', timeout: '1s' },
          outbox: { retry_initial: '200ms', retry_max: '2s', max_age: '20s' },
          recipients: [
            { name: 'Kabid', email: 'kabid@bench.invalid', role: 'department_head' },
            { name: 'Operator', email: 'operator@bench.invalid', role: 'operator' },
          ],
        },
      }),
      { label: 'jaga soak', ...how },
    );
    const subject = jaga;
    const dataDir = join(subject.dir, 'data');
    const samples: ProcessSample[] = [];
    const started = Date.now();
    let readRounds = 0;
    const stop = { now: false };
    const reading = (async () => {
      while (!stop.now) {
        await Promise.all(READ_PATHS.map((path) => subject.get(path)));
        readRounds += 1;
        await sleep(READ_PAUSE_MS);
      }
    })();
    try {
      for (let step = 0; Date.now() - started < plan.durationMs; step += 1) {
        await central.set(CYCLE[step % CYCLE.length] as CentralMode);
        // The mail server is away for three steps out of eight: the outbox retries, then catches up.
        if (step % 8 === 4) await smtp.stop();
        if (step % 8 === 7) await smtp.start();
        for (let i = 0; i < SAMPLES_PER_STEP; i += 1) {
          await sleep(plan.sampleEveryMs);
          samples.push(sampleProcess(subject.pid, dataDir));
        }
      }
    } finally {
      stop.now = true;
      await reading;
    }
    if (smtp.mode !== 'up') await smtp.start();
    return {
      durationMs: Date.now() - started,
      flatness: judgeFlatness(samples),
      samples,
      emails: smtp.received.length,
      readRounds,
      minReadRounds: plan.minReadRounds,
      healthyAtEnd: (await subject.get('/healthz')).status === 200,
    };
  } finally {
    await jaga?.stop();
    await smtp.close();
    await central.close();
  }
}

/** What a long run measures of a jaga process from outside: /proc/<pid> and its database files. */
export function sampleProcess(pid: number, dataDir: string): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
  const db = new BetterSqlite3(join(dataDir, 'jaga.db'), { fileMustExist: true, readonly: true });
  let dbBytes: number;
  try {
    const pragma = (name: string) => db.pragma(name, { simple: true }) as number;
    dbBytes = (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  } finally {
    db.close();
  }
  const walBytes = fileSize(join(dataDir, 'jaga.db-wal'));
  return {
    at: Date.now(),
    rssBytes: rssKiB * 1024,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    dbBytes,
    fileBytes: fileSize(join(dataDir, 'jaga.db')) + walBytes,
    walBytes,
  };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
