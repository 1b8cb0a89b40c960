// English for alert emails: titles, facts, next steps. Pure; the renderer only assembles these.
import type { AlertFacts, BacklogLimitName, ContactChoice, EmailCatalogue, JagaProblem, StorageProblem } from './catalogue.js';
import type { AlertName } from '../core/alerts/types.js';
import { enForecast } from './en-forecast.js';
import type { BacklogFailure, CentralCause, TargetFailure, VolumeFailure } from '../core/types.js';

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

const call = (c: ContactChoice): string => {
  const first = c.contact === null ? `Call ${whom[c.role]} (no contact set in jaga's configuration).` : `Call ${whom[c.role]}: ${c.contact}.`;
  const next = c.escalation;
  if (next === undefined) return first;
  return `${first} If the application runs but uploads still fail, call ${whom[next.role]}${next.contact === null ? '' : `: ${next.contact}`}.`;
};

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

const backlogFailureText: Record<BacklogFailure, string> = {
  timeout: 'no answer within the time limit',
  unreadable: 'cannot be read (folder missing, no permission, or the application does not answer)',
  too_many_files: 'too many files to count (max_files)',
  bad_output: 'its answer cannot be understood',
  failed: 'failed to run',
};

const limitText = (l: { readonly name: BacklogLimitName; readonly value: string }): string => {
  const kind = l.name.startsWith('warn_') ? 'Warning limit' : 'Halt limit';
  if (l.name.endsWith('_items')) return `${kind}: ${l.value} recordings`;
  if (l.name.endsWith('_bytes')) return `${kind}: ${l.value}`;
  return `${kind}: oldest recording waiting ${l.value}`;
};

/** Keep what exists: the recordings waiting are the only copy there is. */
const keep = 'Keep every recording; do not delete recordings or the upload queue (spool) folder: some have no copy at the central server yet.';

const uploadText = (u: AlertFacts['lastUpload']): string =>
  u === null || u === undefined ? 'no successful upload recorded yet' : `last successful upload ${u.ago === null ? u.at : `${u.ago} ago`}`;

/** "12,345 recordings not yet sent to the central server, the oldest since Monday 08:12 WIB" */
const waiting = (f: AlertFacts): string =>
  `${f.items ?? 'Some'} recordings not yet sent to the central server${f.oldest === undefined ? '' : `, the oldest since ${f.oldest}`}`;

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function summary(name: AlertName, f: AlertFacts): string | null {
  switch (name) {
    case 'BacklogWarning':
    case 'BacklogCritical': {
      if (f.unreadable === true) {
        const known = f.items === undefined ? '' : `; last read: ${f.items} recordings`;
        return `jaga cannot read how many recordings are not yet sent to the central server, and this office is set to stop recording when that happens${known}.`;
      }
      return `${waiting(f)}${f.lastUpload === undefined ? '' : `; ${uploadText(f.lastUpload)}`}.`;
    }
    case 'UploadStalled':
      return f.items === undefined ? `${capitalize(uploadText(f.lastUpload))}.` : `${waiting(f)}; ${uploadText(f.lastUpload)}.`;
    case 'BacklogSourceUnavailable': {
      const known = f.items === undefined ? '' : `; last read: ${f.items} recordings${f.lastRead === undefined ? '' : ` (${f.lastRead})`}`;
      return `jaga cannot read the upload queue, so it does not know how many recordings are not yet sent to the central server${known}.`;
    }
    case 'HaltForecast':
      return f.forecast === undefined ? null : `${capitalize(enForecast.withWhy(enForecast.halt(f.forecast.when, f.forecast.left), enForecast.why(f.forecast.reason, f.forecast.subject)))}.`;
    case 'CentralUnreachable': {
      if (f.buffering === undefined) return null;
      const ends = f.buffering.ends;
      const end =
        ends === null
          ? 'The local disk still has room; no end in sight yet.'
          : `Unless the central server is back, recording will have to stop on ${ends.when}, ${ends.left}.`;
      return `Recording goes on: recordings are kept on the office's disk and sent to central once the central server is back. ${end}`;
    }
    default:
      return null;
  }
}

const jagaProblem = (p: string) => (Object.hasOwn(jagaProblemText, p) ? jagaProblemText[p as JagaProblem] : p);

function facts(_name: AlertName, f: AlertFacts): string[] {
  const lines: string[] = [];
  const add = (value: unknown, line: () => string) => {
    if (value !== undefined) lines.push(line());
  };
  add(f.volume, () => `Volume: ${f.volume}`);
  if (f.forecast?.model) lines.push(`Forecast model: ${enForecast.model[f.forecast.model]}`);
  if (f.buffering) lines.push(`Recording on the local disk (buffer mode) since ${f.buffering.since}`);
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
  add(f.source, () => `Upload queue: ${f.source}`);
  add(f.heartbeat, () => `Upload heartbeat: ${f.heartbeat}`);
  add(f.backlogFailure, () => `Problem: ${backlogFailureText[f.backlogFailure ?? 'failed']}`);
  add(f.detail, () => `Detail: ${f.detail}`);
  add(f.waitingSize, () => `Size waiting: ${f.waitingSize}`);
  add(f.oldestAge, () => `Oldest recording waiting: ${f.oldestAge}`);
  add(f.backlogLimit, () => limitText(f.backlogLimit ?? { name: 'halt_items', value: '?' }));
  add(f.grace, () => `Grace: ${f.grace} without a successful upload`);
  add(f.halts, () => (f.halts === true ? 'Stalled uploads halt recording at this office.' : 'Stalled uploads do not halt recording at this office; a warning only.'));
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
      const buffering = f.buffering === undefined ? '' : 'Recording may go on; do not delete recordings from the local disk. ';
      return `${buffering}${f.cause === undefined ? 'Check the office network.' : first} ${call(contact)}`;
    }
    case 'HaltForecast': {
      const before = f.forecast === undefined ? '' : `, before ${f.forecast.when}`;
      const fix =
        f.forecast?.reason === 'CENTRAL_UNREACHABLE'
          ? 'work on getting the central server reachable so the recordings are sent'
          : `free space (${freeUp}) or make sure uploads to central are running`;
      return `Plan now${before}: stock temporary substitute certificate forms, tell residents early, and ${fix}. ${call(contact)}`;
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
    case 'BacklogWarning':
      return `Today, check the upload application and the sync service: are they running and sending to central? ${keep} ${call(contact)}`;
    case 'BacklogCritical':
      return f.unreadable === true
        ? `Check the queue jaga reads on the local server (the spool folder, the sync application, or its command). ${keep} ${call(contact)}`
        : `Check the upload application and the sync service now: are they running and able to send to central? ${keep} ${call(contact)}`;
    case 'UploadStalled':
      return `Check the upload application on the recording computers and the sync service: are they running, and what error do they show? ${keep} ${call(contact)}`;
    case 'BacklogSourceUnavailable':
      return `Check what jaga reads for this queue on the local server (the spool folder, the sync application, or its command). Do not delete the queue folder. ${call(contact)}`;
  }
}

export const enEmail: EmailCatalogue = {
  clock: { months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'], separator: ':' },
  durationWords: { d: 'd', h: 'h', m: 'min', s: 's' },
  numberLocale: 'en-GB',
  weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
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
    HaltForecast: 'Recording forecast to halt',
    BacklogWarning: 'Recordings piling up unsent',
    BacklogCritical: 'Too many recordings unsent',
    UploadStalled: 'Uploads to central stalled',
    BacklogSourceUnavailable: 'Upload queue unreadable',
    JagaDegraded: 'jaga monitor degraded',
  },
  resolvedTitle: {
    RecordingHalted: 'Recording can resume',
    CentralUnreachable: 'Central server reachable again',
    CentralSlow: 'Central server back to normal speed',
    StorageWarning: 'Storage back to normal',
    StorageCritical: 'Storage no longer critical',
    StorageFillingUp: 'Storage no longer filling fast',
    HaltForecast: 'Halt forecast no longer near',
    BacklogWarning: 'Upload queue back to normal',
    BacklogCritical: 'Upload queue no longer critical',
    UploadStalled: 'Uploads to central working again',
    BacklogSourceUnavailable: 'Upload queue readable again',
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
  summary,
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
