// Who is told what, and when: Alertmanager-like grouping with one group per recipient (group_wait,
// group_interval, repeat_interval, resolved messages). Pure: time is an argument, no I/O.
// The state machine's table lives in test/core/alerts/grouping.test.ts.
import { compareAlerts } from './rules.js';
import {
  SEVERITIES,
  type Alert,
  type AlertName,
  type GroupState,
  type PlannedNotification,
  type Recipient,
  type Severity,
  type Timing,
} from './types.js';

const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/**
 * Warnings that are a department head's to act on: a halt days ahead is planned by them (temporary
 * certificate forms, telling the public), so it reaches them whatever their min_severity.
 */
const FOR_DEPARTMENT_HEADS: ReadonlySet<AlertName> = new Set(['HaltForecast']);

/** Whether this recipient wants this alert at all: severe enough (or theirs to plan), and among their alert names if they chose. */
export function routeAlert(alert: Alert, recipient: Recipient): boolean {
  const theirs = recipient.role === 'department_head' && FOR_DEPARTMENT_HEADS.has(alert.name);
  return (
    (theirs || rank(alert.severity) >= rank(recipient.minSeverity)) &&
    (recipient.alertnames === null || recipient.alertnames.includes(alert.name))
  );
}

/**
 * One step of every recipient's group: which messages are due now, and the groups afterwards. Groups
 * are keyed by recipient id; a recipient no longer configured loses its group; a group with nothing notified
 * and nothing waiting ends. At most one message per recipient per call, recipients in config order.
 */
export function planNotifications(
  groups: Readonly<Record<string, GroupState>>,
  alerts: readonly Alert[],
  recipients: readonly Recipient[],
  isMuted: (alert: Alert) => boolean,
  timing: Timing,
  now: number,
): { groups: Record<string, GroupState>; notifications: PlannedNotification[] } {
  const firing = alerts.filter((a) => a.state === 'firing');
  // A silence mutes an alert for everyone: ask once per alert, not once per recipient.
  const muted = new Set(firing.filter((a) => isMuted(a)).map((a) => a.key));
  const next: Record<string, GroupState> = {};
  const notifications: PlannedNotification[] = [];
  for (const recipient of recipients) {
    const id = recipient.id;
    if (Object.hasOwn(next, id)) continue; // the same recipient twice in config: its first entry rules
    const group = Object.hasOwn(groups, id) ? (groups[id] as GroupState) : null;
    const step = stepGroup(group, recipient, firing, muted, timing, now);
    if (step.group !== null) next[id] = step.group;
    if (step.notification !== null) notifications.push(step.notification);
  }
  return { groups: next, notifications };
}

interface GroupStep {
  readonly group: GroupState | null;
  readonly notification: PlannedNotification | null;
}

function stepGroup(
  group: GroupState | null,
  recipient: Recipient,
  firing: readonly Alert[],
  mutedKeys: ReadonlySet<string>,
  timing: Timing,
  now: number,
): GroupStep {
  const routed = firing.filter((a) => routeAlert(a, recipient));
  const current = routed.filter((a) => !mutedKeys.has(a.key)).sort(compareAlerts);
  const currentKeys = new Set(current.map((a) => a.key));
  const mutedHere = new Set(routed.filter((a) => mutedKeys.has(a.key)).map((a) => a.key));

  // An alert that no longer routes here (config changed under a saved group) was not resolved: it is
  // forgotten without a word rather than reported as over.
  const before = Object.values(group?.notified ?? {}).filter((a) => routeAlert(a, recipient));
  // Gone = resolved. A muted alert is not gone: it stays notified, silently, until it really resolves.
  const gone = before.filter((a) => !currentKeys.has(a.key) && !mutedHere.has(a.key)).sort(compareAlerts);
  const goneKeys = new Set(gone.map((a) => a.key));
  // Without send_resolved, resolved alerts leave the group at once and nobody hears of it.
  const notified = timing.sendResolved ? before : before.filter((a) => !goneKeys.has(a.key));
  const reportGone = timing.sendResolved ? gone : [];
  const notifiedKeys = new Set(notified.map((a) => a.key));
  const fresh = current.filter((a) => !notifiedKeys.has(a.key));

  const lastSentAt = group?.lastSentAt ?? null;
  const since = (from: number | null, ms: number) => from === null || now - from >= ms;
  let news = false;
  let kind: PlannedNotification['kind'] | null = null;
  if (notified.length === 0) {
    // A new group: wait group_wait from the first alert, so alerts of one incident go in one message.
    news = current.length > 0;
    if (news && since(group?.waitingSince ?? now, timing.groupWaitMs)) kind = 'firing';
  } else if (fresh.length > 0 || (reportGone.length > 0 && current.length === 0)) {
    // A running group with news: at most one message per group_interval. News is a new alert, or the
    // whole group clearing; a partial recovery (central back while recording still waits out
    // resume_after) is told with the next message, so a recovery is one message, not two.
    news = true;
    if (since(lastSentAt, timing.groupIntervalMs)) kind = current.length > 0 ? 'firing' : 'resolved';
  } else if (current.length > 0 && since(lastSentAt, timing.repeatIntervalMs)) {
    kind = 'repeat';
  }

  if (kind === null) {
    if (notified.length === 0 && !news) return { group: null, notification: null };
    const waitingSince = news ? (group?.waitingSince ?? now) : null;
    return {
      group: {
        recipient: recipient.id,
        notified: byKey(notified),
        waitingSince,
        lastSentAt,
        sequence: group?.sequence ?? 0,
      },
      notification: null,
    };
  }

  const sequence = (group?.sequence ?? 0) + 1;
  const notification: PlannedNotification = {
    // Send instant plus sequence: one message per recipient per instant, and instants only move on, so
    // an id never comes back, not even when a group ends and a new one starts (its sequence restarts).
    id: `${recipient.id}#${now}#${sequence}`,
    recipient: recipient.id,
    kind,
    firing: current,
    resolved: reportGone.map((a) => ({ ...a, resolvedAt: now })),
    at: now,
  };
  // Now told: what fires as it is now, plus muted alerts told earlier (not resolved, only quiet).
  const after = [...current, ...notified.filter((a) => mutedHere.has(a.key))];
  if (after.length === 0) return { group: null, notification };
  return {
    group: { recipient: recipient.id, notified: byKey(after), waitingSince: null, lastSentAt: now, sequence },
    notification,
  };
}

function byKey(alerts: readonly Alert[]): Record<string, Alert> {
  const record: Record<string, Alert> = {};
  for (const alert of [...alerts].sort(compareAlerts)) record[alert.key] = alert;
  return record;
}
