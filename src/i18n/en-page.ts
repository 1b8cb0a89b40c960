// English for the public status page and its Atom feed (`?lang=en`, Accept-Language): plain words for
// citizens; never a host name, number or error text. Pure.
import type { PageCatalogue } from './catalogue.js';

export const enPage: PageCatalogue = {
  headline: { allowed: 'e-KTP RECORDING IS OPEN', halted: 'e-KTP RECORDING IS TEMPORARILY HALTED' },
  subline: {
    allowed: 'Please queue as usual.',
    halted: 'We are sorry for the inconvenience. You will still be served.',
  },
  since: (when) => `since ${when}`,
  reasonHeading: 'Reason',
  reason: {
    STARTING: 'the system is starting up',
    CENTRAL_UNREACHABLE: 'a network problem reaching the central server',
    STORAGE_CRITICAL: "the server's storage is full",
    STORAGE_FLOOR: "the server's storage is full",
    STORAGE_FILLING: "the server's storage is full",
    INODES_CRITICAL: "the server's storage is full",
    VOLUME_UNAVAILABLE: 'a problem with the storage server',
    BACKLOG_CRITICAL: 'recorded data has not yet been sent to the central server',
    UPLOAD_STALLED: 'sending data to the central server has stopped',
    PROBES_STALE: 'system checks are delayed',
    MANUAL_HALT: 'paused by staff',
  },
  unknownReason: 'a system problem',
  reopening: (when) => `The problem has been resolved. Recording reopens at about ${when}.`,
  noticeHeading: 'Notice from the office',
  buffering:
    'Recording goes on as usual. The connection to the central server is interrupted; your recorded data is kept safely at this office and sent to the central server once the connection is back.',
  noticeHalted:
    'While recording is halted, staff issue a temporary certificate (surat keterangan pengganti sementara). ' +
    'It has the same standing and is valid for everything you need it for. Your e-KTP recording can ' +
    'continue once the system is back to normal.',
  lastCheck: (when) => `Last checked: ${when}`,
  refreshNote: (seconds) => `This page updates itself every ${seconds} seconds.`,
  otherLanguage: { language: 'id', label: 'Bahasa Indonesia' },
  feedLink: 'Updates feed (Atom)',
  feed: {
    title: (office) => `${office}: e-KTP recording status`,
    subtitle: 'When e-KTP recording is temporarily halted and when it resumes.',
    opened: 'e-KTP recording is open',
    resumed: 'e-KTP recording has resumed',
    halted: (reasons) => (reasons === null ? 'e-KTP recording temporarily halted' : `e-KTP recording temporarily halted: ${reasons}`),
    openedAt: (when) => `e-KTP recording reopened at ${when}. You are welcome to come for recording.`,
    haltedAt: (when) => `e-KTP recording was temporarily halted at ${when}.`,
    reasonLine: (reasons) => `Reason: ${reasons}.`,
  },
};
