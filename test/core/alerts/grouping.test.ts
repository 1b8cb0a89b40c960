// Grouping's state machine as scenario rows: what fires (and what is muted) at each instant, and which
// messages go out. Routing, ids and determinism below. Pure code, a fake clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planNotifications, routeAlert } from '../../../src/core/alerts/grouping.js';
import type { Alert, AlertName, GroupState, PlannedNotification, Recipient, Severity, Timing } from '../../../src/core/alerts/types.js';

const T0 = 1_700_000_000_000;
const SEC = 1_000;
const MIN = 60_000;
const HOUR = 3_600_000;

// ---- builders ----------------------------------------------------------------------------------

/** The alerts of the scenarios, one letter each so a row reads like a sentence. */
const CATALOGUE: Record<string, { name: AlertName; severity: Severity; labels: Record<string, string> }> = {
  C: { name: 'CentralUnreachable', severity: 'critical', labels: {} },
  H: { name: 'RecordingHalted', severity: 'critical', labels: {} },
  K: { name: 'StorageCritical', severity: 'critical', labels: { volume: 'rekaman' } },
  W: { name: 'StorageWarning', severity: 'warning', labels: { volume: 'rekaman' } },
  S: { name: 'CentralSlow', severity: 'warning', labels: { target: 'pusat-api' } },
  F: { name: 'HaltForecast', severity: 'warning', labels: { volume: 'rekaman' } },
};

function keyOf(letter: string): string {
  const entry = CATALOGUE[letter];
  assert.ok(entry, `no alert ${letter}`);
  return `${entry.name}{${Object.entries(entry.labels).map(([k, v]) => `${k}=${v}`).join(',')}}`;
}
const LETTERS = new Map(Object.keys(CATALOGUE).map((letter) => [keyOf(letter), letter]));

function alert(letter: string, at: number, state: Alert['state'] = 'firing'): Alert {
  const entry = CATALOGUE[letter];
  assert.ok(entry);
  return {
    key: keyOf(letter),
    name: entry.name,
    severity: entry.severity,
    labels: { alertname: entry.name, severity: entry.severity, site: 'kua-bandung', ...entry.labels },
    state,
    activeSince: at - MIN,
    firingSince: state === 'firing' ? at : null,
    // changes every tick, as real numbers do: what was notified must not depend on it
    values: { at },
  };
}

function recipient(name: string, minSeverity: Severity, alertnames: readonly AlertName[] | null = null): Recipient {
  return { id: `${name}@kua.example`, name, channel: 'email', address: `${name}@kua.example`, role: name === 'kabid' ? 'department_head' : 'operator', minSeverity, language: 'id', alertnames };
}

const OPS = recipient('ops', 'info');
const KABID = recipient('kabid', 'critical');

const TIMING: Timing = { groupWaitMs: 30 * SEC, groupIntervalMs: 5 * MIN, repeatIntervalMs: 4 * HOUR, sendResolved: true };

/** "ops firing C,K -W": recipient, kind, firing letters, and resolved letters after a minus. */
function describeNotification(n: PlannedNotification): string {
  const who = n.recipient.split('@')[0];
  const letters = (alerts: readonly Alert[]) => alerts.map((a) => LETTERS.get(a.key) ?? a.key).join(',');
  return [who, n.kind, letters(n.firing), n.resolved.length > 0 ? `-${letters(n.resolved)}` : ''].filter((s) => s !== '').join(' ');
}

// ---- the state machine, as scenarios --------------------------------------------------------------

interface Step {
  readonly at: number;
  /** Letters of the alerts firing now; lower case = pending. */
  readonly alerts: string;
  readonly muted?: string;
  readonly sent: readonly string[];
  /** Which recipients have a group after this step. */
  readonly groups?: readonly string[];
}

interface Scenario {
  readonly name: string;
  readonly recipients?: readonly Recipient[];
  readonly timing?: Partial<Timing>;
  readonly steps: readonly Step[];
}

const G = 30 * SEC; // group_wait
const I = 5 * MIN; // group_interval
const R = 4 * HOUR; // repeat_interval

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'two alerts 10 s apart within group_wait: one message with both',
    steps: [
      { at: T0, alerts: 'C', sent: [], groups: ['ops'] },
      { at: T0 + 10 * SEC, alerts: 'CK', sent: [] },
      { at: T0 + G - 1, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + G + 10 * SEC, alerts: 'CK', sent: [] },
    ],
  },
  {
    name: 'nothing before group_wait; pending alerts are not news',
    steps: [
      { at: T0, alerts: 'c', sent: [], groups: [] },
      { at: T0 + HOUR, alerts: 'C', sent: [] },
      { at: T0 + HOUR + G - 1, alerts: 'C', sent: [] },
      { at: T0 + HOUR + G, alerts: 'C', sent: ['ops firing C'] },
    ],
  },
  {
    name: 'gone before group_wait: the group ends without a word',
    steps: [
      { at: T0, alerts: 'C', sent: [], groups: ['ops'] },
      { at: T0 + 10 * SEC, alerts: '', sent: [], groups: [] },
      { at: T0 + 20 * SEC, alerts: 'C', sent: [] },
      { at: T0 + G, alerts: 'C', sent: [] }, // group_wait counts again from 20 s
      { at: T0 + 20 * SEC + G, alerts: 'C', sent: ['ops firing C'] },
    ],
  },
  {
    name: 'a new alert later: one message after group_interval, not before',
    steps: [
      { at: T0, alerts: 'C', sent: [] },
      { at: T0 + G, alerts: 'C', sent: ['ops firing C'] },
      { at: T0 + G + MIN, alerts: 'CK', sent: [] },
      { at: T0 + G + 2 * MIN, alerts: 'CKW', sent: [] },
      { at: T0 + G + I - 1, alerts: 'CKW', sent: [] },
      { at: T0 + G + I, alerts: 'CKW', sent: ['ops firing C,K,W'] },
      { at: T0 + G + I + MIN, alerts: 'CKW', sent: [] },
    ],
  },
  {
    name: 'a new alert long after the last message goes out at once',
    steps: [
      { at: T0, alerts: 'C', sent: [] },
      { at: T0 + G, alerts: 'C', sent: ['ops firing C'] },
      { at: T0 + HOUR, alerts: 'CK', sent: ['ops firing C,K'] },
    ],
  },
  {
    name: 'repeat after repeat_interval exactly, not 1 ms before',
    steps: [
      { at: T0, alerts: 'C', sent: [] },
      { at: T0 + G, alerts: 'C', sent: ['ops firing C'] },
      { at: T0 + G + R - 1, alerts: 'C', sent: [] },
      { at: T0 + G + R, alerts: 'C', sent: ['ops repeat C'] },
      { at: T0 + G + 2 * R - 1, alerts: 'C', sent: [] },
      { at: T0 + G + 2 * R, alerts: 'C', sent: ['ops repeat C'] },
    ],
  },
  {
    name: 'all resolved: one resolved message and the group ends',
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + G + I, alerts: '', sent: ['ops resolved -C,K'], groups: [] },
      { at: T0 + G + I + MIN, alerts: '', sent: [], groups: [] },
    ],
  },
  {
    name: 'a partial recovery is not news on its own: told with the next message',
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + G + MIN, alerts: 'C', sent: [] },
      { at: T0 + G + I, alerts: 'C', sent: [] },
      { at: T0 + G + R - 1, alerts: 'C', sent: [] },
      { at: T0 + G + R, alerts: 'C', sent: ['ops repeat C -K'] },
      { at: T0 + G + R + I, alerts: 'C', sent: [] }, // K is not reported twice
    ],
  },
  {
    name: 'a partial recovery rides along with a new alert',
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + G + MIN, alerts: 'C', sent: [] },
      { at: T0 + G + 2 * MIN, alerts: 'CW', sent: [] },
      { at: T0 + G + I, alerts: 'CW', sent: ['ops firing C,W -K'] },
    ],
  },
  {
    name: 'the rest clearing later: one resolved message with everything',
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + G + MIN, alerts: 'C', sent: [] },
      { at: T0 + G + 2 * MIN, alerts: '', sent: [] },
      { at: T0 + G + I, alerts: '', sent: ['ops resolved -C,K'], groups: [] },
    ],
  },
  {
    name: 'resolved and back before group_interval: nothing to say',
    steps: [
      { at: T0, alerts: 'C', sent: [] },
      { at: T0 + G, alerts: 'C', sent: ['ops firing C'] },
      { at: T0 + G + MIN, alerts: '', sent: [], groups: ['ops'] },
      { at: T0 + G + 2 * MIN, alerts: 'C', sent: [] },
      { at: T0 + G + I, alerts: 'C', sent: [] },
    ],
  },
  {
    name: 'send_resolved false: no resolved message, resolved alerts just leave',
    timing: { sendResolved: false },
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + G + I, alerts: 'C', sent: [] },
      { at: T0 + G + R, alerts: 'C', sent: ['ops repeat C'] },
      { at: T0 + G + R + I, alerts: '', sent: [], groups: [] },
      { at: T0 + G + 2 * R, alerts: '', sent: [] },
    ],
  },
  {
    name: 'routing: the department head never gets warnings, the operator gets both',
    recipients: [KABID, OPS],
    steps: [
      { at: T0, alerts: 'W', sent: [], groups: ['ops'] },
      { at: T0 + G, alerts: 'W', sent: ['ops firing W'] },
      { at: T0 + HOUR, alerts: 'KW', sent: ['ops firing K,W'], groups: ['kabid', 'ops'] },
      { at: T0 + HOUR + G, alerts: 'KW', sent: ['kabid firing K'] },
      { at: T0 + 2 * HOUR, alerts: 'W', sent: ['kabid resolved -K'], groups: ['ops'] },
    ],
  },
  {
    name: 'routing: an alertnames filter',
    recipients: [recipient('gudang', 'info', ['StorageCritical', 'StorageWarning']), OPS],
    steps: [
      { at: T0, alerts: 'CKS', sent: [] },
      { at: T0 + G, alerts: 'CKS', sent: ['gudang firing K', 'ops firing C,K,S'] },
    ],
  },
  {
    name: 'a muted alert is never notified',
    steps: [
      { at: T0, alerts: 'CK', muted: 'K', sent: [] },
      { at: T0 + G, alerts: 'CK', muted: 'K', sent: ['ops firing C'] },
      { at: T0 + G + R, alerts: 'CK', muted: 'K', sent: ['ops repeat C'] },
    ],
  },
  {
    name: 'only muted alerts: no group at all',
    steps: [
      { at: T0, alerts: 'K', muted: 'K', sent: [], groups: [] },
      { at: T0 + HOUR, alerts: 'K', muted: 'K', sent: [], groups: [] },
    ],
  },
  {
    name: 'a notified alert that becomes muted is not resolved, and not new when the silence ends',
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + HOUR, alerts: 'CK', muted: 'K', sent: [] },
      { at: T0 + 2 * HOUR, alerts: 'K', muted: 'K', sent: ['ops resolved -C'], groups: ['ops'] },
      { at: T0 + 3 * HOUR, alerts: 'K', sent: [] },
      { at: T0 + 2 * HOUR + R, alerts: 'K', sent: ['ops repeat K'] },
    ],
  },
  {
    name: 'a muted alert is left out of repeats, and told again once unmuted',
    steps: [
      { at: T0, alerts: 'CK', sent: [] },
      { at: T0 + G, alerts: 'CK', sent: ['ops firing C,K'] },
      { at: T0 + HOUR, alerts: 'CK', muted: 'K', sent: [] },
      { at: T0 + G + R, alerts: 'CK', muted: 'K', sent: ['ops repeat C'] },
      { at: T0 + G + R + HOUR, alerts: 'CK', sent: [] },
      { at: T0 + G + 2 * R, alerts: 'CK', sent: ['ops repeat C,K'] },
    ],
  },
  {
    // The silence mutes a firing alert; once it stops firing there is nothing left to mute, and the
    // person who was told it fired learns it is over.
    name: 'a notified, muted alert that stops firing is reported resolved',
    steps: [
      { at: T0, alerts: 'C', sent: [] },
      { at: T0 + G, alerts: 'C', sent: ['ops firing C'] },
      { at: T0 + HOUR, alerts: 'C', muted: 'C', sent: [] },
      { at: T0 + 2 * HOUR, alerts: '', muted: 'C', sent: ['ops resolved -C'], groups: [] },
    ],
  },
  {
    name: 'a recipient no longer configured loses its group',
    recipients: [OPS, KABID],
    steps: [
      { at: T0, alerts: 'C', sent: [], groups: ['ops', 'kabid'] },
      { at: T0 + G, alerts: 'C', sent: ['ops firing C', 'kabid firing C'] },
    ],
  },
];

interface Run {
  readonly notifications: PlannedNotification[];
  readonly groups: Record<string, GroupState>;
}

/** Plays a scenario; checks each step as it goes when `check` is set. */
function play(scenario: Scenario, check: boolean): Run {
  let groups: Record<string, GroupState> = {};
  const all: PlannedNotification[] = [];
  const recipients = scenario.recipients ?? [OPS];
  for (const step of scenario.steps) {
    const alerts = [...step.alerts].map((letter) => alert(letter.toUpperCase(), step.at, letter === letter.toUpperCase() ? 'firing' : 'pending'));
    const muted = new Set([...(step.muted ?? '')].map(keyOf));
    const planned = planNotifications(groups, alerts, recipients, (a) => muted.has(a.key), { ...TIMING, ...scenario.timing }, step.at);
    const label = `at T0+${(step.at - T0) / 1000}s`;
    if (check) {
      assert.deepEqual(planned.notifications.map(describeNotification), step.sent, label);
      if (step.groups) assert.deepEqual(Object.keys(planned.groups), step.groups.map((n) => `${n}@kua.example`), `${label}: groups`);
      for (const n of planned.notifications) {
        assert.equal(n.at, step.at);
        for (const r of n.resolved) assert.equal(r.resolvedAt, step.at);
      }
    }
    groups = planned.groups;
    all.push(...planned.notifications);
  }
  return { notifications: all, groups };
}

describe('grouping scenarios', () => {
  for (const scenario of SCENARIOS) {
    test(scenario.name, () => {
      play(scenario, true);
    });
  }

  test('a recipient dropped from config: its group goes', () => {
    const first = play(SCENARIOS.find((s) => s.name.startsWith('a recipient no longer'))!, false);
    const after = planNotifications(first.groups, [alert('C', T0 + HOUR)], [OPS], () => false, TIMING, T0 + HOUR);
    assert.deepEqual(Object.keys(after.groups), ['ops@kua.example']);
  });
});

describe('what a group remembers', () => {
  test('after sending: notified as the alerts are now; waiting cleared; sequence counts', () => {
    const first = planNotifications({}, [alert('C', T0)], [OPS], () => false, TIMING, T0);
    assert.deepEqual(first.groups['ops@kua.example'], { recipient: 'ops@kua.example', notified: {}, waitingSince: T0, lastSentAt: null, sequence: 0 });
    const sent = planNotifications(first.groups, [alert('C', T0 + G)], [OPS], () => false, TIMING, T0 + G);
    assert.deepEqual(sent.groups['ops@kua.example'], {
      recipient: 'ops@kua.example',
      notified: { 'CentralUnreachable{}': alert('C', T0 + G) },
      waitingSince: null,
      lastSentAt: T0 + G,
      sequence: 1,
    });
    // between messages, what was notified stays as it was told
    const quiet = planNotifications(sent.groups, [alert('C', T0 + HOUR)], [OPS], () => false, TIMING, T0 + HOUR);
    assert.deepEqual(quiet.groups, sent.groups);
  });

  test('resolved entries are the alerts as last told, with resolvedAt', () => {
    const run = play(SCENARIOS.find((s) => s.name.startsWith('all resolved'))!, false);
    const resolved = run.notifications.at(-1)?.resolved ?? [];
    assert.deepEqual(resolved, [
      { ...alert('C', T0 + G), resolvedAt: T0 + G + I },
      { ...alert('K', T0 + G), resolvedAt: T0 + G + I },
    ]);
  });
});

describe('ids', () => {
  test('recipient, send instant and sequence; unique across a group ending and starting again', () => {
    const scenario: Scenario = {
      name: 'end and restart',
      steps: [
        { at: T0, alerts: 'C', sent: [] },
        { at: T0 + G, alerts: 'C', sent: ['ops firing C'] },
        { at: T0 + G + I, alerts: '', sent: ['ops resolved -C'], groups: [] },
        { at: T0 + HOUR, alerts: 'C', sent: [] },
        { at: T0 + HOUR + G, alerts: 'C', sent: ['ops firing C'] },
        { at: T0 + HOUR + G + R, alerts: 'C', sent: ['ops repeat C'] },
      ],
    };
    const ids = play(scenario, true).notifications.map((n) => n.id);
    assert.deepEqual(ids, [
      `ops@kua.example#${T0 + G}#1`,
      `ops@kua.example#${T0 + G + I}#2`,
      `ops@kua.example#${T0 + HOUR + G}#1`,
      `ops@kua.example#${T0 + HOUR + G + R}#2`,
    ]);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('unique within every scenario', () => {
    for (const scenario of SCENARIOS) {
      const ids = play(scenario, false).notifications.map((n) => n.id);
      assert.equal(new Set(ids).size, ids.length, scenario.name);
    }
  });
});

describe('determinism', () => {
  test('same steps, same messages and groups', () => {
    for (const scenario of SCENARIOS) assert.deepEqual(play(scenario, false), play(scenario, false), scenario.name);
  });

  test('input order does not matter: firing and resolved lists are critical first, then by key', () => {
    const at = T0 + G;
    const ordered = planNotifications({}, [alert('C', at), alert('K', at), alert('S', at), alert('W', at)], [OPS], () => false, { ...TIMING, groupWaitMs: 0 }, at);
    const shuffled = planNotifications({}, [alert('W', at), alert('S', at), alert('K', at), alert('C', at)], [OPS], () => false, { ...TIMING, groupWaitMs: 0 }, at);
    assert.deepEqual(shuffled, ordered);
    assert.deepEqual(ordered.notifications.map(describeNotification), ['ops firing C,K,S,W']);
  });

  test('isMuted is asked once per firing alert, whatever the number of recipients', () => {
    const asked: string[] = [];
    planNotifications({}, [alert('C', T0), alert('K', T0), alert('W', T0, 'pending')], [OPS, KABID], (a) => (asked.push(a.key), false), TIMING, T0);
    assert.deepEqual(asked, ['CentralUnreachable{}', 'StorageCritical{volume=rekaman}']);
  });
});

describe('routeAlert', () => {
  const rows: [name: string, letter: string, r: Recipient, expected: boolean][] = [
    ['critical to a critical-only head', 'C', KABID, true],
    ['warning to a critical-only head', 'W', KABID, false],
    ['warning to an operator (info)', 'W', OPS, true],
    ['warning to minSeverity warning', 'W', recipient('x', 'warning'), true],
    ['alertnames includes it', 'K', recipient('x', 'info', ['StorageCritical']), true],
    ['alertnames excludes it', 'C', recipient('x', 'info', ['StorageCritical']), false],
    ['empty alertnames: nothing', 'C', recipient('x', 'info', []), false],
    ['alertnames and severity both apply', 'W', recipient('x', 'critical', ['StorageWarning']), false],
    // a halt days ahead is the department head's to plan, whatever their min_severity
    ['the halt forecast (a warning) to a critical-only head', 'F', KABID, true],
    ['the halt forecast to a critical-only operator: no', 'F', recipient('x', 'critical'), false],
    ['the halt forecast to a head whose alertnames exclude it: no', 'F', recipient('kabid', 'critical', ['RecordingHalted']), false],
  ];
  for (const [name, letter, r, expected] of rows) {
    test(name, () => assert.equal(routeAlert(alert(letter, T0), r), expected));
  }
});
