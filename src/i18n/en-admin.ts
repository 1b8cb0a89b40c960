// English for the operator page /admin: login, dashboard, forms, messages. Pure.
import { MAX_ACTIVE_SILENCES } from '../core/alerts/silences.js';
import { MAX_ACTIVE_OVERRIDES } from '../core/reasons.js';
import type { AdminCatalogue } from './catalogue.js';

export const enAdmin: AdminCatalogue = {
  title: 'jaga · operator page',
  login: {
    heading: 'Sign in to the operator page',
    intro: 'Enter your admin token (from JAGA_ADMIN_TOKENS). Your token\u2019s name is recorded with every action.',
    token: 'Token',
    submit: 'Sign in',
    failed: 'Sign-in failed. Check the token and try again.',
    rateLimited: 'Too many failed attempts from this address. Wait a minute and try again.',
    unconfigured: {
      heading: 'No admin token is configured',
      text: 'Nobody can sign in: jaga was started without an admin token. Set JAGA_ADMIN_TOKENS="name=secret" in its environment (several separated by commas) and restart it; the name is recorded with every action. For the demo, for example:',
      example: 'JAGA_ADMIN_TOKENS=it=replace-with-a-long-secret npm start',
    },
  },
  signedInAs: (who) => `Signed in as ${who}`,
  logout: 'Sign out',
  otherLanguage: { language: 'id', label: 'Bahasa Indonesia' },
  sections: {
    gate: 'Recording gate',
    overrides: 'Active overrides',
    newOverride: 'Set an override',
    targets: 'Central server targets',
    volumes: 'Storage',
    alerts: 'Alerts (pending and firing)',
    silences: 'Silences',
    newSilence: 'Add a silence',
    outbox: 'Email outbox',
    history: 'Gate history (last 20)',
    audit: 'Audit trail (who, when, what)',
  },
  gate: {
    since: (when, ago) => `since ${when}${ago ? ` (${ago} ago)` : ''}`,
    decidedAt: (when) => `decided ${when}`,
    validUntil: (when) => `valid until ${when}`,
    reasons: 'Halt reasons',
    overridden: 'Reasons lifted by an allow override',
    noReasons: 'No halt reasons.',
    override: (action, by) => `Override ${action} by ${by} in force`,
  },
  columns: {
    name: 'Name',
    kind: 'Kind',
    status: 'Status',
    failures: 'Failures in a row',
    lastProbe: 'Last probe',
    latency: 'Time',
    lastSuccess: 'Last success',
    used: 'Used',
    avail: 'Available',
    inodes: 'Inodes',
    fillRate: 'Fill rate',
    eta: 'Full in',
    forecast: 'Forecast',
    time: 'Time',
    change: 'Change',
    reasons: 'Reasons',
    who: 'Who',
    what: 'What',
    detail: 'Detail',
    alert: 'Alert',
    severity: 'Severity',
    state: 'State',
    labels: 'Labels',
    values: 'Values',
    silencedBy: 'Silenced by',
    action: 'Action',
    reason: 'Reason',
    by: 'By',
    created: 'Created',
    expires: 'Expires',
    matchers: 'Matchers',
    comment: 'Comment',
    starts: 'Starts',
    recipient: 'Recipient',
    subject: 'Subject',
    attempts: 'Attempts',
    error: 'Error',
  },
  targetStatus: { unknown: 'not yet known', up: 'up', down: 'down' },
  probeOk: 'ok',
  volumeOk: 'trusted',
  notFilling: 'not filling',
  unknown: '?',
  perHour: (amount) => `${amount}/h`,
  inodesFree: (count) => `${count} free`,
  untilLifted: 'until lifted',
  none: 'None.',
  alertState: { pending: 'pending', firing: 'firing' },
  alertingOff: 'Alerting is not configured (no `alerts` section in the config).',
  outbox: {
    pending: (count) => `Waiting to be sent: ${count}`,
    oldest: (when) => `oldest since ${when}`,
    pendingHeading: 'Waiting',
    givenUpHeading: 'Given up',
    status: { pending: 'pending', sent: 'sent', failed: 'rejected', expired: 'expired' },
  },
  audit: {
    'override.create': 'created an override',
    'override.lift': 'lifted an override',
    'silence.create': 'created a silence',
    'silence.expire': 'ended a silence',
  },
  overrideAction: { halt: 'halt', allow: 'allow' },
  silenceSource: { config: 'config', api: 'made by a person' },
  recurring: (cron, duration) => `recurring: ${cron}, for ${duration}`,
  lift: 'Lift',
  expire: 'End now',
  form: {
    action: 'Action',
    halt: 'halt: stop recording',
    allow: 'allow: let recording go on (must expire, at most 24 h; never past the storage floor)',
    reason: 'Reason (kept in the audit)',
    duration: 'Duration',
    durationHint: 'e.g. 30m, 2h; empty = until lifted (halt only)',
    setOverride: 'Set override',
    matchers: 'Matchers, one per line: label=value (value may be ~regex)',
    silenceDuration: 'Duration (at most 7 days)',
    comment: 'Comment (e.g. central server maintenance)',
    addSilence: 'Add silence',
  },
  flash: {
    overrideCreated: (id) => `Override ${id} set.`,
    overrideLifted: (id) => `Override ${id} lifted.`,
    silenceCreated: (id) => `Silence ${id} added.`,
    silenceExpired: (id) => `Silence ${id} ended.`,
  },
  problem: (field, code) => {
    switch (code) {
      case 'bad_duration':
        return 'Not a duration: write e.g. 30m, 2h or 1h30m.';
      case 'allow_needs_expiry':
        return 'An allow override must expire: give a duration of at most 24 h.';
      case 'allow_too_long':
        return 'An allow override lasts at most 24 h.';
      case 'halt_too_long':
        return 'A halt override with an end lasts at most 366 days; leave the duration empty to halt until lifted.';
      case 'silence_starts_too_late':
        return 'A silence may start at most 366 days ahead.';
      case 'control_characters':
        return 'Control characters (line breaks, tabs, terminal escapes, bidi overrides) are not allowed; write one line of plain text.';
      case 'silence_too_long':
        return 'A silence lasts at most 7 days.';
      case 'silence_ends_before_start':
      case 'expires_in_past':
        return 'The end must be in the future.';
      case 'for_and_expires_at':
        return 'Give a duration or an end time, not both.';
      case 'bad_regex':
        return 'A ~regex matcher is not a valid regular expression.';
      case 'bad_matcher_line':
        return 'Matchers are label=value, one per line, each label once.';
      case 'invalid':
        if (field === 'reason') return 'A reason is required (at most 500 characters).';
        if (field === 'comment') return 'A comment is required (at most 500 characters).';
        if (field === 'matchers') return 'Give 1 to 10 matchers; labels are letters, digits and _ (not starting with a digit), values at most 200 characters.';
        if (field === 'action') return 'Choose halt or allow.';
        return `The field ${field} is not valid.`;
    }
  },
  errors: {
    title: 'Request refused',
    csrf: 'This form has expired or did not come from this page. Reload the operator page and try again. Nothing was changed.',
    notFound: 'No such page.',
    overrideGone: 'That override is no longer active (lifted or expired).',
    silenceGone: 'That silence is no longer active, or it comes from the config.',
    tooLarge: 'The form is too large.',
    internal: 'Internal error; see the jaga log.',
    back: 'Back to the operator page',
  },
  overrideRefused: {
    too_many_overrides: `${MAX_ACTIVE_OVERRIDES} overrides are already active, the most at once. Lift one you no longer need, then try again. Nothing was changed.`,
    store_unavailable: 'jaga cannot write its state database (is its disk full?), so nothing was changed. Free space where data_dir lives, then try again.',
  },
  silenceRefused: `${MAX_ACTIVE_SILENCES} silences are already current or upcoming, the most at once. Expire one you no longer need, then try again. Nothing was changed.`,
  dataAtRisk: {
    backlogHeading: 'Upload backlog (recordings in one copy only)',
    heartbeatsHeading: 'Upload heartbeats',
    columns: {
      type: 'Type',
      items: 'Recordings waiting',
      bytes: 'Size',
      oldest: 'Oldest waiting since',
      lastRead: 'Numbers read at',
      halts: 'Effect',
      lastPing: 'Last successful upload',
      grace: 'Grace',
      itemsSent: 'Sent in the last upload',
    },
    count: (n) => n.toLocaleString('en-GB'),
    ago: (span) => `${span} ago`,
    readable: 'readable',
    notRead: 'not read yet',
    late: 'late',
    onTime: 'on time',
    neverPinged: 'no upload reported yet',
    halts: 'halts recording',
    alertOnly: 'alert only',
  },
};
