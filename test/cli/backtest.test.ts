// `jaga backtest --timeline` through the CLI: the committed example (examples/backtest/) prints exactly
// its expected JSON and the same as a table in both languages; malformed timelines and wrong flags
// exit 2 saying what is wrong, by line. Reads and writes temporary files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { runCli } from '../../src/cli/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/backtest/', import.meta.url));
const CONFIG = join(EXAMPLE, 'jaga.yaml');
const TIMELINE = join(EXAMPLE, 'timeline.csv');

const dir = mkdtempSync(join(tmpdir(), 'jaga-backtest-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {}, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function timelineFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('the committed example', () => {
  test('--json prints exactly examples/backtest/expected.json', async () => {
    const { code, out, err } = await cli(['backtest', '--config', CONFIG, '--timeline', TIMELINE, '--json']);
    assert.equal(err, '');
    assert.equal(code, 0);
    assert.equal(`${out}\n`, readFileSync(join(EXAMPLE, 'expected.json'), 'utf8'));
  });

  test('the expected transitions are the scenario the timeline writes down', () => {
    const expected = JSON.parse(readFileSync(join(EXAMPLE, 'expected.json'), 'utf8')) as {
      transitions: { at: string; state: string; reasons: string[] }[];
      summary: Record<string, unknown>;
    };
    // Wall-clock times in WIB, as the timeline writes them: what each row of the scenario must cause.
    const wib = (hhmmss: string) => new Date(`2026-12-07T${hhmmss}+07:00`).toISOString();
    assert.deepEqual(expected.transitions, [
      { at: wib('08:00:00'), state: 'allowed', reasons: [] }, // every subject answered at once
      { at: wib('09:15:00'), state: 'halted', reasons: ['CENTRAL_UNREACHABLE'] }, // third failure in a row
      { at: wib('09:30:00'), state: 'halted', reasons: [] }, // third success: resume_after starts
      { at: wib('09:32:00'), state: 'allowed', reasons: [] }, // two minutes later, between two rows
      { at: wib('10:00:00'), state: 'halted', reasons: ['STORAGE_CRITICAL'] }, // 92% used, halt_ratio 90%
      { at: wib('10:30:00'), state: 'halted', reasons: [] }, // 86% at 10:20 held (hysteresis); 70% clears
      { at: wib('10:32:00'), state: 'allowed', reasons: [] },
      // Rows every 5 min: stale after 3 x 5 min + 5 s timeout without one, at the second after 10:45:05.
      { at: wib('10:45:06'), state: 'halted', reasons: ['PROBES_STALE'] },
      { at: wib('11:00:00'), state: 'halted', reasons: [] },
      { at: wib('11:02:00'), state: 'allowed', reasons: [] },
    ]);
    assert.deepEqual(expected.summary, {
      halted_seconds: 17 * 60 + 32 * 60 + (16 * 60 + 54),
      halts: 3,
      first_halt_at: wib('09:15:00'),
      min_avail_bytes: { rekaman: 80_000_000_000 },
    });
  });

  test('the table says the same in English', async () => {
    const { code, out } = await cli(['backtest', '--config', CONFIG, '--timeline', TIMELINE, '--lang', 'en']);
    assert.equal(code, 0);
    assert.equal(
      out,
      [
        'Replay from 7 Dec 2026 08:00 WIB to 7 Dec 2026 11:05 WIB',
        '',
        'TIME                  GATE               REASONS',
        '7 Dec 2026 08:00 WIB  RECORDING ALLOWED',
        '7 Dec 2026 09:15 WIB  RECORDING HALTED   CENTRAL_UNREACHABLE',
        '7 Dec 2026 09:30 WIB  RECORDING HALTED   (every reason cleared; waiting for resume_after)',
        '7 Dec 2026 09:32 WIB  RECORDING ALLOWED',
        '7 Dec 2026 10:00 WIB  RECORDING HALTED   STORAGE_CRITICAL',
        '7 Dec 2026 10:30 WIB  RECORDING HALTED   (every reason cleared; waiting for resume_after)',
        '7 Dec 2026 10:32 WIB  RECORDING ALLOWED',
        '7 Dec 2026 10:45 WIB  RECORDING HALTED   PROBES_STALE',
        '7 Dec 2026 11:00 WIB  RECORDING HALTED   (every reason cleared; waiting for resume_after)',
        '7 Dec 2026 11:02 WIB  RECORDING ALLOWED',
        '',
        // The example's volume has halt_eta 0s: no fill-rate judgement, so no forecast either.
        'No halt was foreseen.',
        '',
        'Recording halted for 1h 5m in all, 3 times',
        'First halt: 7 Dec 2026 09:15 WIB',
        'Least free space on rekaman: 74.5 GiB',
      ].join('\n'),
    );
  });

  test('and in Indonesian by default', async () => {
    const { code, out } = await cli(['backtest', '--config', CONFIG, '--timeline', TIMELINE]);
    assert.equal(code, 0);
    const lines = out.split('\n');
    assert.equal(lines[0], 'Putar ulang 7 Des 2026 08.00 WIB s.d. 7 Des 2026 11.05 WIB');
    assert.equal(lines[2], 'WAKTU                 GERBANG               PENYEBAB');
    assert.equal(lines[4], '7 Des 2026 09.15 WIB  PEREKAMAN DIHENTIKAN  CENTRAL_UNREACHABLE');
    assert.ok(lines.includes('Perekaman dihentikan selama 1j 5m seluruhnya, 3 kali'), out);
    assert.ok(lines.includes('Penghentian pertama: 7 Des 2026 09.15 WIB'), out);
  });
});

describe('what the CLI refuses', () => {
  const T0 = '2026-12-07T08:00:00+07:00';

  test('a malformed timeline: exit 2, each bad row with its line, nothing on stdout', async () => {
    const file = timelineFile(
      'bad.csv',
      [
        'time,subject,field,value',
        `${T0},target:pusat-api,ok,1`,
        `${T0},volume:rekaman,size_bytes,1000`,
        `${T0},volume:rekaman,avail_bytes,2000`,
        `${T0},target:pusat-vpn,ok,1`,
        'tomorrow,target:pusat-api,ok,1',
      ].join('\n'),
    );
    const { code, out, err } = await cli(['backtest', '--config', CONFIG, '--timeline', file, '--json', '--lang', 'en']);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.equal(
      err,
      [
        `Timeline ${file} is invalid:`,
        '  - line 3: volume:rekaman: avail_bytes (2000) is above size_bytes (1000)',
        '  - line 5: subject "target:pusat-vpn": the config has no target named "pusat-vpn"',
        '  - line 6: time "tomorrow" is not an ISO 8601 time with an offset (2026-12-01T08:00:00+07:00)',
      ].join('\n'),
    );
  });

  test('a timeline that cannot be read, or has only its header: exit 2', async () => {
    const missing = await cli(['backtest', '--config', CONFIG, '--timeline', join(dir, 'nowhere.csv')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nowhere\.csv tidak valid:\n {2}- cannot read the file: ENOENT/);
    const empty = await cli(['backtest', '--config', CONFIG, '--timeline', timelineFile('empty.csv', 'time,subject,field,value\n')]);
    assert.equal(empty.code, 2);
    assert.match(empty.err, /- the timeline has no rows/);
  });

  test('a bad config: exit 2 like every command', async () => {
    const config = timelineFile('jaga.yaml', 'central: {}\n');
    const { code, err } = await cli(['backtest', '--config', config, '--timeline', TIMELINE]);
    assert.equal(code, 2);
    assert.match(err, /central\.targets/);
  });

  const usage = [
    { name: 'neither --timeline nor --from-db', args: [] },
    { name: 'both --timeline and --from-db', args: ['--timeline', TIMELINE, '--from-db'] },
    { name: '--since with a timeline file', args: ['--timeline', TIMELINE, '--since', '30d'] },
  ];
  for (const { name, args } of usage) {
    test(`${name}: exit 2 with the command's usage`, async () => {
      const { code, out, err } = await cli(['backtest', '--config', CONFIG, ...args, '--lang', 'en']);
      assert.equal(code, 2);
      assert.equal(out, '');
      assert.equal(err, 'Usage: jaga backtest --config jaga.yaml (--timeline FILE.csv | --from-db [--since 30d]) [--json]');
    });
  }

  test('--since that is neither a duration nor a time: exit 2', async () => {
    const { code, err } = await cli(['backtest', '--config', CONFIG, '--from-db', '--since', 'last month', '--lang', 'en']);
    assert.equal(code, 2);
    assert.match(err, /--since "last month" is neither a duration \(30d\) nor a time/);
  });

  test('the usage of jaga lists the command', async () => {
    const { out } = await cli(['--help', '--lang', 'en']);
    assert.match(out, /backtest --timeline FILE\.csv \| --from-db \[--since 30d\] \[--json\]/);
  });
});
