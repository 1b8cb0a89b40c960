// English for alert emails: titles, facts, next steps. Pure; the renderer only assembles these.
import type { AlertFacts, ContactChoice, EmailCatalogue, JagaProblem, StorageProblem } from './catalogue.js';
import type { AlertName } from '../core/alerts/types.js';
import type { CentralCause, TargetFailure, VolumeFailure } from '../core/types.js';

const causeMeaning: Record<CentralCause, string> = {
  central: 'the central server does not answer; our office network is fine',
  uplink: "our own office network (uplink/ISP) is down; the central server may be fine",
  dns: "DNS fails: the central server's name cannot be turned into an address",
};

const failureText: Record<TargetFailure, string> = {
  timeout: 'no answer within the time limit',
  refused: 'connection refused',
  reset: 'connection cut off midway',
  dns: 'name not found (DNS)',
  tls: 'secure connection failed (TLS/certificate)',
  status: 'the server answered with an error code',
  body: "the server's answer was not as expected",
  latency: 'answer too slow',
  unreachable: 'network unreachable',
  error: 'other error',
};

const whom: Record<ContactChoice['role'], string> = {
  central: 'the central server team',
  uplink: "the office's network provider (ISP)",
  dns: 'whoever runs DNS',
  local_it: 'local IT',
};

const call = (c: ContactChoice) =>
  c.contact === null ? `Call ${whom[c.role]} (no contact set in jaga's configuration).` : `Call ${whom[c.role]}: ${c.contact}.`;

const freeUp = 'move or archive records already uploaded to central';

const storageProblemText: Record<StorageProblem, string> = {
  STORAGE_CRITICAL: 'past the halt line',
  STORAGE_FLOOR: 'past the safety floor; a manual allow cannot reopen recording',
  INODES_CRITICAL: 'running out of file slots (inodes)',
  VOLUME_UNAVAILABLE: 'cannot be used',
};

const volumeFailureText: Record<VolumeFailure, string> = {
  statfs_error: 'the disk size cannot be read',
  statfs_timeout: 'the disk does not answer (a network disk may be hung)',
  not_mounted: 'the disk is not mounted',
  write_failed: 'the disk cannot be written (maybe read-only)',
};

const jagaProblemText: Record<JagaProblem, string> = {
  store: "jaga's database fails to write",
  outbox: 'emails are stuck in the queue',
  delivery: 'some emails could not be delivered',
  probes: 'checks are late, data is not fresh',
};

const jagaProblem = (p: string) => (Object.hasOwn(jagaProblemText, p) ? jagaProblemText[p as JagaProblem] : p);

function facts(_name: AlertName, f: AlertFacts): string[] {
  const lines: string[] = [];
  const add = (value: unknown, line: () => string) => {
    if (value !== undefined) lines.push(line());
  };
  add(f.volume, () => `Volume: ${f.volume}`);
  add(f.storageProblems, () => `State: ${(f.storageProblems ?? []).map((p) => storageProblemText[p]).join('; ')}`);
  add(f.volumeFailure, () => `Disk problem: ${volumeFailureText[f.volumeFailure ?? 'statfs_error']}`);
  add(f.free, () => `Free space: ${f.free}${f.size === undefined ? '' : ` of ${f.size}`}`);
  add(f.used, () => `Used: ${f.used}${f.threshold === undefined ? '' : ` (limit ${f.threshold})`}`);
  add(f.filesUsed, () => `File slots (inodes) used: ${f.filesUsed}`);
  add(f.eta, () => `Full in: about ${f.eta}${f.fullAt === undefined ? '' : ` (around ${f.fullAt})`}`);
  add(f.ratePerHour, () => `Filling at: ${f.ratePerHour} per hour`);
  add(f.cause, () => `Cause: ${causeMeaning[f.cause ?? 'central']}`);
  add(f.failure, () => `Failure: ${failureText[f.failure ?? 'error']}`);
  add(f.downTargets, () => `Failing targets: ${f.downTargets}`);
  add(f.lastSuccess, () => `Last success: ${f.lastSuccess ?? 'none since jaga started'}`);
  add(f.target, () => `Target: ${f.target}`);
  add(f.latency, () => `Response time: ${f.latency}${f.latencyLimit === undefined ? '' : ` (limit ${f.latencyLimit})`}`);
  add(f.jagaProblems, () => `Problem: ${(f.jagaProblems ?? []).map(jagaProblem).join('; ')}`);
  add(f.outboxAge, () => `Oldest email in the queue: ${f.outboxAge}`);
  add(f.givenUp, () => `Emails not delivered (last 24 h): ${f.givenUp}`);
  add(f.overrideBy, () => `Halted by hand by ${f.overrideBy}`);
  return lines;
}

function nextStep(name: AlertName, f: AlertFacts, contact: ContactChoice): string {
  switch (name) {
    case 'RecordingHalted':
      return 'Stop e-KTP recording. Issue residents the temporary substitute certificate (surat keterangan, equally valid) until recording reopens. jaga will tell you when recording may resume.';
    case 'CentralUnreachable': {
      const first = {
        central: 'The problem is at the central server, not in the office.',
        uplink: 'Check the office router and network cables.',
        dns: "Check the office's DNS settings.",
      }[f.cause ?? 'uplink'];
      return `${f.cause === undefined ? 'Check the office network.' : first} ${call(contact)}`;
    }
    case 'CentralSlow':
      return `Recording can go on, but uploads to central are slow. If it persists: ${call(contact)}`;
    case 'StorageCritical':
      return f.storageProblems?.includes('VOLUME_UNAVAILABLE') === true
        ? `Check the storage disk on the local server: it must be mounted and writable. ${call(contact)}`
        : `Free space on the local server now: ${freeUp}. ${call(contact)}`;
    case 'StorageFillingUp':
      return `Free space before it is full${f.eta === undefined ? '' : ` (about ${f.eta} left)`}: ${freeUp}. ${call(contact)}`;
    case 'StorageWarning':
      return `Plan to free space today: ${freeUp}. ${call(contact)}`;
    case 'JagaDegraded':
      return `Check jaga itself (service, data disk, email delivery): status and alerts may be late. ${call(contact)}`;
  }
}

export const enEmail: EmailCatalogue = {
  clock: { months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'], separator: ':' },
  durationWords: { d: 'd', h: 'h', m: 'min', s: 's' },
  severityWord: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' },
  resolvedWord: 'RESOLVED',
  reminder: '(reminder)',
  more: (count) => `+${count} more`,
  title: {
    RecordingHalted: 'e-KTP recording halted',
    CentralUnreachable: 'Central server unreachable',
    CentralSlow: 'Central server slow',
    StorageWarning: 'Storage getting full',
    StorageCritical: 'Storage almost full',
    StorageFillingUp: 'Storage filling fast',
    JagaDegraded: 'jaga monitor degraded',
  },
  resolvedTitle: {
    RecordingHalted: 'Recording can resume',
    CentralUnreachable: 'Central server reachable again',
    CentralSlow: 'Central server back to normal speed',
    StorageWarning: 'Storage back to normal',
    StorageCritical: 'Storage no longer critical',
    StorageFillingUp: 'Storage no longer filling fast',
    JagaDegraded: 'jaga monitor healthy again',
  },
  greeting: (name) => `Dear ${name},`,
  goodNews: {
    allowed: 'Good news: Recording can resume.',
    halted: 'Some problems have cleared, but e-KTP recording is STILL HALTED.',
  },
  repeatNote: 'Reminder: this is still going on.',
  gateHeadline: { allowed: 'e-KTP RECORDING ALLOWED', halted: 'e-KTP RECORDING HALTED' },
  since: (when, ago) => `since ${when} (${ago === null ? 'just now' : `${ago} ago`})`,
  reasonsHeading: 'Why:',
  overriddenHeading: 'Lifted by a manual allow:',
  moreReasons: (count) => `… and ${count} more`,
  override: (o) =>
    o.action === 'halt'
      ? `Halted by hand by ${o.by}: "${o.reason}"${o.until === null ? '' : ` (until ${o.until})`}`
      : `Allowed by hand by ${o.by} until ${o.until ?? '?'}: "${o.reason}". The storage safety floor still applies.`,
  facts,
  nextStepLabel: 'What to do:',
  nextStep,
  resolvedHeading: 'Resolved:',
  resolvedLine: (title, at, lasted) => `${title}: resolved ${at}, lasted ${lasted}`,
  footer: {
    site: (site) => `Office: ${site}`,
    statusPage: 'Status page:',
    times: (zone, timeZone) => `Times in ${zone} (${timeZone}).`,
    automatic: 'This message was sent automatically by jaga, the e-KTP recording monitor. Please do not reply.',
  },
  test: {
    subject: 'Test email',
    lines: (site, sentAt) => [
      `This is a test email from jaga at the ${site} office, sent ${sentAt}.`,
      "If you received it, jaga's alerts will reach you.",
      'Nothing to do.',
    ],
  },
};
