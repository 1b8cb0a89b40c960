// The backtest's timeline format (core/timeline.ts): times, cells, usage, and every kind of bad row
// with its line number. Table-driven; pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_PROBLEMS, parseInstant, parseTimeline, splitCsvLine, usageOf, type KnownSubjects, type TimelineEvent } from '../../src/core/timeline.js';

const KNOWN: KnownSubjects = {
  target: new Set(['pusat-api', 'router']),
  volume: new Set(['rekaman']),
  backlog: new Set(['spool']),
  heartbeat: new Set(['unggah']),
};

const HEADER = 'time,subject,field,value';
const T0 = '2026-12-07T08:00:00+07:00';
const T0_MS = Date.UTC(2026, 11, 7, 1);

const parse = (...rows: string[]) => parseTimeline([HEADER, ...rows].join('\n'), KNOWN);

function events(...rows: string[]): readonly TimelineEvent[] {
  const parsed = parse(...rows);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
  return parsed.events;
}

describe('parseInstant', () => {
  const cases: { text: string; ms: number | null }[] = [
    { text: '2026-12-07T08:00:00+07:00', ms: T0_MS },
    { text: '2026-12-07T01:00:00Z', ms: T0_MS },
    { text: '2026-12-07T08:00+07:00', ms: T0_MS },
    { text: '2026-12-07T08:00:00+0700', ms: T0_MS },
    { text: '2026-12-06T20:30:00-04:30', ms: T0_MS },
    { text: '2026-12-07T08:00:00.250+07:00', ms: T0_MS + 250 },
    { text: '2026-12-07T08:00:00.123456789+07:00', ms: T0_MS + 123 },
    { text: '2028-02-29T00:00:00Z', ms: Date.UTC(2028, 1, 29) },
    { text: '2026-12-07T08:00:00', ms: null }, // no offset: whose 08:00?
    { text: '2026-12-07 08:00:00+07:00', ms: null },
    { text: '2026-02-30T00:00:00Z', ms: null },
    { text: '2026-02-29T00:00:00Z', ms: null },
    { text: '2026-13-01T00:00:00Z', ms: null },
    { text: '2026-12-07T24:00:00Z', ms: null },
    { text: '2026-12-07T08:60:00Z', ms: null },
    { text: '2026-12-07T08:00:60Z', ms: null },
    { text: '2026-12-07T08:00:00+19:00', ms: null },
    { text: '2026-12-07T08:00:00+07:60', ms: null },
    { text: '1796086800000', ms: null },
    { text: '', ms: null },
  ];
  for (const { text, ms } of cases) {
    test(`"${text}" -> ${ms}`, () => assert.equal(parseInstant(text), ms));
  }
});

describe('splitCsvLine', () => {
  const cases: { line: string; cells: string[] | null }[] = [
    { line: 'a,b,c,d', cells: ['a', 'b', 'c', 'd'] },
    { line: ' a , b ,c,d ', cells: ['a', 'b', 'c', 'd'] },
    { line: '"a","b,c",d,', cells: ['a', 'b,c', 'd', ''] },
    { line: '"say ""hi""",x', cells: ['say "hi"', 'x'] },
    { line: '"open,x', cells: null },
    { line: '', cells: [''] },
  ];
  for (const { line, cells } of cases) {
    test(JSON.stringify(line), () => assert.deepEqual(splitCsvLine(line), cells));
  }
});

describe('usageOf: df semantics without reserved blocks', () => {
  test('used = size - avail, ratio over size; inodes when given', () => {
    assert.deepEqual(usageOf(1_000, 300, 100, 40), {
      sizeBytes: 1_000,
      freeBytes: 300,
      availBytes: 300,
      usedBytes: 700,
      usedRatio: 0.7,
      filesTotal: 100,
      filesFree: 40,
      filesUsedRatio: 0.6,
    });
    assert.equal((usageOf(1_000, 0, null, null) as { usedRatio: number }).usedRatio, 1);
    assert.equal((usageOf(1_000, 1_000, null, null) as { filesTotal: number }).filesTotal, 0, 'no inode counts: nothing to judge');
  });
});

describe('parseTimeline: good files', () => {
  test('rows of one subject at one time are one observation, in time order, whatever the file order', () => {
    const got = events(
      '2026-12-07T08:05:00+07:00,target:pusat-api,ok,0',
      `${T0},volume:rekaman,avail_bytes,300`,
      `${T0},target:pusat-api,latency_ms,42.5`,
      `${T0},volume:rekaman,size_bytes,1000`,
      `${T0},target:pusat-api,ok,1`,
      `${T0},volume:rekaman,files,10`,
      `${T0},volume:rekaman,files_free,9`,
    );
    assert.deepEqual(got, [
      { kind: 'volume', name: 'rekaman', at: T0_MS, result: { ok: true, usage: usageOf(1000, 300, 10, 9) } },
      { kind: 'target', name: 'pusat-api', at: T0_MS, result: { ok: true, durationMs: 42.5 } },
      { kind: 'target', name: 'pusat-api', at: T0_MS + 300_000, result: { ok: false, failure: 'error', durationMs: 0 } },
    ]);
  });

  test('backlog: oldest as a time or as an age in seconds; heartbeat value ignored', () => {
    const got = events(
      `${T0},backlog:spool,items,12`,
      `${T0},backlog:spool,bytes,4096`,
      `${T0},backlog:spool,oldest,2026-12-07T07:00:00+07:00`,
      '2026-12-07T08:10:00+07:00,backlog:spool,items,3',
      '2026-12-07T08:10:00+07:00,backlog:spool,oldest,90',
      `${T0},heartbeat:unggah,ping,`,
      '2026-12-07T08:10:00+07:00,heartbeat:unggah,ping,whatever',
    );
    assert.deepEqual(got, [
      { kind: 'backlog', name: 'spool', at: T0_MS, result: { ok: true, items: 12, bytes: 4096, oldestAt: T0_MS - 3_600_000 } },
      { kind: 'heartbeat', name: 'unggah', at: T0_MS, itemsSent: null },
      { kind: 'backlog', name: 'spool', at: T0_MS + 600_000, result: { ok: true, items: 3, bytes: null, oldestAt: T0_MS + 600_000 - 90_000 } },
      { kind: 'heartbeat', name: 'unggah', at: T0_MS + 600_000, itemsSent: null },
    ]);
  });

  test('a spreadsheet export: byte-order mark, CRLF, quoted cells, blank lines; one instant written two ways is one', () => {
    const text = `\uFEFF${HEADER}\r\n"${T0}","target:router","ok","1"\r\n\r\n2026-12-07T01:00:00Z,target:router,latency_ms,3\r\n`;
    const parsed = parseTimeline(text, KNOWN);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.events, [{ kind: 'target', name: 'router', at: T0_MS, result: { ok: true, durationMs: 3 } }]);
  });
});

describe('parseTimeline: bad files, each problem with its line', () => {
  const cases: { name: string; rows: string[]; problems: (string | RegExp)[] }[] = [
    { name: 'no rows', rows: [], problems: ['the timeline has no rows'] },
    { name: 'a row with three cells', rows: [`${T0},target:pusat-api,ok`], problems: ['line 2: expected 4 values (time,subject,field,value), found 3'] },
    { name: 'a quote left open', rows: [`${T0},"target:pusat-api,ok,1`], problems: ['line 2: a quoted value is not closed'] },
    { name: 'a time without offset', rows: ['2026-12-07T08:00:00,target:pusat-api,ok,1'], problems: [/^line 2: time "2026-12-07T08:00:00" is not an ISO 8601 time with an offset/] },
    { name: 'an impossible date', rows: ['2026-02-30T08:00:00+07:00,target:pusat-api,ok,1'], problems: [/^line 2: time "2026-02-30T08:00:00\+07:00"/] },
    { name: 'a subject without kind', rows: [`${T0},pusat-api,ok,1`], problems: [/^line 2: subject "pusat-api" must be target:<name>/] },
    { name: 'a subject of an unknown kind', rows: [`${T0},disk:rekaman,ok,1`], problems: [/^line 2: subject "disk:rekaman" must be/] },
    { name: 'a target the config does not name', rows: [`${T0},target:pusat-vpn,ok,1`], problems: ['line 2: subject "target:pusat-vpn": the config has no target named "pusat-vpn"'] },
    { name: 'a name of another kind', rows: [`${T0},volume:spool,size_bytes,1`], problems: ['line 2: subject "volume:spool": the config has no volume named "spool"'] },
    { name: 'an unknown field', rows: [`${T0},target:pusat-api,up,1`], problems: ['line 2: target:pusat-api: field "up" is not a field of a target (ok, latency_ms)'] },
    { name: 'a field that looks like an object key', rows: [`${T0},target:pusat-api,toString,1`], problems: [/^line 2: target:pusat-api: field "toString" is not a field/] },
    { name: 'ok neither 0 nor 1', rows: [`${T0},target:pusat-api,ok,yes`], problems: ['line 2: target:pusat-api: ok "yes" must be 0 or 1'] },
    { name: 'a negative latency', rows: [`${T0},target:pusat-api,ok,1`, `${T0},target:pusat-api,latency_ms,-1`], problems: ['line 3: target:pusat-api: latency_ms "-1" must be a number of milliseconds of 0 or more'] },
    {
      name: 'a size that is not a whole number',
      rows: [`${T0},volume:rekaman,size_bytes,1.5`, `${T0},volume:rekaman,avail_bytes,1`],
      problems: ['line 2: volume:rekaman: size_bytes "1.5" must be a whole number of 0 or more'],
    },
    { name: 'an empty count', rows: [`${T0},backlog:spool,items,`], problems: ['line 2: backlog:spool: items "" must be a whole number of 0 or more'] },
    {
      name: 'an oldest that is neither time nor age',
      rows: [`${T0},backlog:spool,items,1`, `${T0},backlog:spool,oldest,yesterday`],
      problems: ['line 3: backlog:spool: oldest "yesterday" must be a time (ISO 8601 with an offset) or an age in seconds'],
    },
    {
      name: 'a field twice at one time',
      rows: [`${T0},target:pusat-api,ok,1`, `${T0},target:pusat-api,ok,0`],
      problems: [`line 3: target:pusat-api: ok given twice for ${T0} (first on line 2)`],
    },
    { name: 'a volume without avail', rows: [`${T0},volume:rekaman,size_bytes,1000`], problems: ['line 2: volume:rekaman at this time lacks avail_bytes'] },
    { name: 'a target with latency only', rows: ['', `${T0},target:pusat-api,latency_ms,5`], problems: ['line 3: target:pusat-api at this time lacks ok'] },
    { name: 'a backlog without items', rows: [`${T0},backlog:spool,bytes,5`], problems: ['line 2: backlog:spool at this time lacks items'] },
    {
      name: 'avail above size',
      rows: [`${T0},volume:rekaman,size_bytes,10`, `${T0},volume:rekaman,avail_bytes,11`],
      problems: ['line 2: volume:rekaman: avail_bytes (11) is above size_bytes (10)'],
    },
    {
      name: 'a size of 0',
      rows: [`${T0},volume:rekaman,size_bytes,0`, `${T0},volume:rekaman,avail_bytes,0`],
      problems: ['line 2: volume:rekaman: size_bytes must be above 0'],
    },
    {
      name: 'files without files_free',
      rows: [`${T0},volume:rekaman,size_bytes,10`, `${T0},volume:rekaman,avail_bytes,1`, `${T0},volume:rekaman,files,5`],
      problems: ['line 2: volume:rekaman: files and files_free go together: give both or neither'],
    },
    {
      name: 'more inodes free than there are',
      rows: [`${T0},volume:rekaman,size_bytes,10`, `${T0},volume:rekaman,avail_bytes,1`, `${T0},volume:rekaman,files,5`, `${T0},volume:rekaman,files_free,6`],
      problems: ['line 2: volume:rekaman: files_free (6) is above files (5)'],
    },
    {
      name: 'a bad value is reported once, not again as a missing field',
      rows: [`${T0},volume:rekaman,size_bytes,ten`, `${T0},volume:rekaman,avail_bytes,1`],
      problems: ['line 2: volume:rekaman: size_bytes "ten" must be a whole number of 0 or more'],
    },
    {
      name: 'problems on several lines, each with its own',
      rows: [`${T0},target:pusat-api,ok,1`, 'soon,target:pusat-api,ok,1', `${T0},target:nobody,ok,1`, `${T0},heartbeat:unggah,beat,1`],
      problems: [/^line 3: time "soon"/, /^line 4: subject "target:nobody"/, /^line 5: heartbeat:unggah: field "beat"/],
    },
    {
      name: 'in line order, a missing field before a bad row below it',
      rows: [`${T0},volume:rekaman,size_bytes,1000`, 'soon,target:pusat-api,ok,1'],
      problems: ['line 2: volume:rekaman at this time lacks avail_bytes', /^line 3: time "soon"/],
    },
  ];
  for (const { name, rows, problems } of cases) {
    test(name, () => {
      const parsed = parse(...rows);
      assert.equal(parsed.ok, false);
      if (parsed.ok) return;
      assert.equal(parsed.problems.length, problems.length, parsed.problems.join('\n'));
      problems.forEach((expected, index) => {
        const got = parsed.problems[index] ?? '';
        if (typeof expected === 'string') assert.equal(got, expected);
        else assert.match(got, expected);
      });
    });
  }

  test('a wrong header is the only problem said (line 1)', () => {
    const parsed = parseTimeline(`time,subject,value\n${T0},target:pusat-api,ok,1`, KNOWN);
    assert.deepEqual(parsed, { ok: false, problems: ['line 1: the header must be "time,subject,field,value"'] });
  });

  test(`a file wrong throughout lists ${MAX_PROBLEMS} problems and how many more`, () => {
    const rows = Array.from({ length: MAX_PROBLEMS + 7 }, () => `${T0},target:ghost,ok,1`);
    const parsed = parse(...rows);
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.equal(parsed.problems.length, MAX_PROBLEMS + 1);
    assert.match(parsed.problems[0] ?? '', /^line 2: /);
    assert.match(parsed.problems[MAX_PROBLEMS - 1] ?? '', new RegExp(`^line ${MAX_PROBLEMS + 1}: `));
    assert.equal(parsed.problems[MAX_PROBLEMS], 'and 7 more');
  });
});
