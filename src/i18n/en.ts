// English texts, available on request (`--lang en`, `?lang=en`, a recipient's `language: en`). Pure.
import type { Catalogue } from './catalogue.js';
import { enEmail } from './en-email.js';
import { enPage } from './en-page.js';
import { enAdmin } from './en-admin.js';
import { enForecast } from './en-forecast.js';
import { bytes, count, duration, percent, span, text } from './format.js';

const units = { d: 'd', h: 'h', m: 'm', s: 's' };

const causeText = { central: 'the central server does not answer', uplink: "the office's uplink is down", dns: 'DNS fails' } as const;

export const en: Catalogue = {
  gateState: { allowed: 'RECORDING ALLOWED', halted: 'RECORDING HALTED' },
  reason: (r) => {
    const f = r.facts;
    switch (r.code) {
      case 'STARTING':
        return `jaga is starting; waiting for the first probe results (${text(f.waitingFor)})`;
      case 'CENTRAL_UNREACHABLE':
        return `Central server unreachable: ${causeText[r.cause ?? 'central']} (failing targets: ${text(f.downTargets)})`;
      case 'STORAGE_CRITICAL':
        return `Volume ${r.subject} almost full: ${percent(f.usedRatio)} used, ${bytes(f.availBytes)} left (halt at ${percent(f.haltRatio)})`;
      case 'STORAGE_FLOOR':
        return `Volume ${r.subject} past its safety floor of ${percent(f.floorRatio)}: ${percent(f.usedRatio)} used, ${bytes(f.availBytes)} left; no override can lift this`;
      case 'STORAGE_FILLING':
        return `Volume ${r.subject} will be full in ${span(f.etaSeconds, units)} at the current rate`;
      case 'INODES_CRITICAL':
        return `Volume ${r.subject} is running out of inodes (file slots): ${percent(f.filesUsedRatio)} used`;
      case 'VOLUME_UNAVAILABLE': {
        // Public views leave the detail (a path) out: the sentence then ends without it, not in "?".
        const untrusted = `Volume ${r.subject} cannot be trusted (${text(f.failure)})`;
        return f.detail === undefined ? untrusted : `${untrusted}: ${text(f.detail)}`;
      }
      case 'BACKLOG_CRITICAL': {
        if (f.unavailable === true) {
          const unread = `Upload backlog ${r.subject} cannot be read (${text(f.failure)})`;
          return f.detail === undefined ? unread : `${unread}: ${text(f.detail)}`;
        }
        const oldest = typeof f.oldestAgeSeconds === 'number' ? `, the oldest waiting ${duration(f.oldestAgeSeconds, enEmail.durationWords)}` : '';
        return `${count(f.items, 'en-GB')} recordings in ${r.subject} not yet sent to the central server${oldest} (limit ${text(f.limit)})`;
      }
      case 'UPLOAD_STALLED': {
        const waiting = typeof f.itemsWaiting === 'number' ? `; ${count(f.itemsWaiting, 'en-GB')} recordings waiting` : '';
        const last = typeof f.lastPingAt === 'number' ? 'no successful upload' : 'no successful upload yet';
        return `Uploads stalled (${r.subject}): ${last} for more than ${typeof f.graceSeconds === 'number' ? duration(f.graceSeconds, enEmail.durationWords) : '?'}${waiting}`;
      }
      case 'PROBES_STALE':
        return `Probes are late, no fresh data from: ${text(f.stale)}`;
      case 'MANUAL_HALT':
        return f.reason === undefined ? `Halted by hand by ${text(f.by)}` : `Halted by hand by ${text(f.by)}: ${text(f.reason)}`;
    }
  },
  resumingAt: (when) => `Every reason has cleared; recording reopens at ${when} if things stay normal`,
  cli: {
    configOk: (file) => `Configuration ${file} is valid. Effective configuration (secrets masked):`,
    configInvalid: (file) => `Configuration ${file} is invalid:`,
    probeHeader: ['NAME', 'KIND', 'RESULT', 'TIME', 'DETAIL'],
    ok: 'ok',
    failed: 'failed',
    gateLine: (state) => `Gate: ${state}`,
    noReasons: 'No reason to halt.',
    unreachable: (url, why) => `Cannot reach jaga at ${url}: ${why}`,
    answerTooLarge: (url, limit) => `The answer from ${url} is larger than ${limit}; stopped reading it. Is this address really jaga?`,
    overrideCreated: (overrideId, action, until) => `Override ${overrideId} (${action}) created, in force until ${until}.`,
    overrideLifted: (overrideId) => `Override ${overrideId} lifted.`,
    noOverrides: 'No active override.',
    tokenMissing: 'No admin token: set JAGA_TOKEN to a token from JAGA_ADMIN_TOKENS.',
    usage: [
      'Usage: jaga <command> [--config jaga.yaml] [--lang id|en]',
      '',
      'Commands:',
      '  start                      run the service',
      '  check-config               validate the configuration and print the effective one',
      '  probe                      one probe round; exit code 0 allowed, 1 halted, 2 error',
      '  status [--url URL]         the state of a running jaga',
      '  override halt|allow --reason TEXT [--for 2h]   halt or allow recording by hand',
      '  override list              active overrides',
      '  override lift ID           lift an override',
      '  history [--limit N] [--since ISO] [--until ISO] [--reason CODE]   gate transitions',
      '  report [--since 2026-11-01] [--until 2026-12-01] [--csv]   report: time halted, by reason, longest central outage, central availability',
      '  silence list | add --match label=value --comment TEXT --for 2h | expire ID   mute alerts',
      '  test-email [--to ADDRESS]  send a test email to every recipient (or one address)',
      '  backtest --timeline FILE.csv | --from-db [--since 30d] [--json]   what the gate would have done over a timeline',
    ].join('\n'),
    noSilences: 'No active silence.',
    silenceCreated: (silenceId, until) => `Silence ${silenceId} created, in force until ${until}.`,
    silenceExpired: (silenceId) => `Silence ${silenceId} expired.`,
    badMatcher: (pair) => `Matcher "${pair}" is invalid: write label=value (or label=~regex).`,
    smtpMissing: 'Email is not set up: alerts.smtp is missing from the configuration.',
    noRecipients: 'No recipients: fill alerts.recipients or use --to ADDRESS.',
    testEmailAccepted: (to, response) => `Test email to ${to} accepted by the mail server: ${response}`,
    testEmailRefused: (to, permanent, error) =>
      `Test email to ${to} ${permanent ? 'rejected (permanent)' : 'failed (temporary, may be retried)'}: ${error}`,
    reportPeriod: (start, end) => `Report ${start} to ${end}`,
    reportHalted: (seconds, percent, halts) => `Recording halted for ${Math.round(seconds / 60)} min (${percent}% of the period), ${halts} times`,
    reportLongestOutage: (seconds, start) =>
      seconds === null ? 'No central server outage.' : `Longest central server outage: ${Math.round(seconds / 60)} min, from ${start}`,
    reportAvailability: (percent) => `Central server availability: ${percent === null ? 'no data' : `${percent}%`}`,
    statusBacklog: (items, size, oldestAgeSeconds) =>
      [`${count(items, 'en-GB')} recordings`, ...(size === null ? [] : [bytes(size)]), ...(oldestAgeSeconds === null ? [] : [`oldest waiting ${span(oldestAgeSeconds, units)}`])].join(', '),
    statusHeartbeat: (lastPingAt, graceSeconds) => `${lastPingAt === null ? 'no ping yet' : `last ping ${lastPingAt}`}, grace ${span(graceSeconds, units)}`,
    reportPeakBacklog: (items) => `Most recordings waiting for upload at once: ${items === null ? 'no data' : count(items, 'en-GB')}`,
    reportPeakBacklogSource: (source, items) => `  - ${source}: ${items === null ? 'no data' : count(items, 'en-GB')}`,
    reportLongestWithoutUpload: (heartbeat, seconds) =>
      `Longest time without a successful upload (${heartbeat}): ${seconds === null ? 'no data' : span(seconds, units)}`,
    backtestUsage: 'Usage: jaga backtest --config jaga.yaml (--timeline FILE.csv | --from-db [--since 30d]) [--json]',
    backtestBadSince: (since) => `--since "${since}" is neither a duration (30d) nor a time (2026-11-01T00:00:00+07:00).`,
    timelineInvalid: (file) => `Timeline ${file} is invalid:`,
    backtestIgnored: (subjects) => `Left out, not in the configuration: ${subjects}`,
    backtestNothingStored: 'The database holds no samples for this period.',
    backtestPeriod: (start, end) => `Replay from ${start} to ${end}`,
    backtestHeader: ['TIME', 'GATE', 'REASONS'],
    backtestNoTransitions: 'The gate never changed.',
    backtestClearing: '(every reason cleared; waiting for resume_after)',
    backtestForecastHeader: ['TIME', 'HALT FORECAST', 'SUBJECT'],
    backtestNoForecast: 'No halt was foreseen.',
    backtestForecastNone: 'none',
    backtestHalted: (seconds, halts) => `Recording halted for ${span(seconds, units)} in all, ${halts} times`,
    backtestFirstHalt: (at) => (at === null ? 'Recording was never halted.' : `First halt: ${at}`),
    backtestMinAvail: (volume, size) => `Least free space on ${volume}: ${size === null ? 'no data' : bytes(size)}`,
    started: (url) => `jaga listening on ${url}`,
    stopping: 'jaga stopping...',
  },
  email: enEmail,
  page: enPage,
  admin: enAdmin,
  forecast: enForecast,
};
