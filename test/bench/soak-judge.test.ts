// The soak's judge (bench/soak-judge.ts): what counts as flat, on made-up samples. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeFlatness, type ProcessSample } from '../../bench/soak-judge.js';

const MiB = 1024 * 1024;
const flat: ProcessSample = { at: 0, rssBytes: 60 * MiB, fds: 28, dbBytes: 180 * 1024, fileBytes: 5 * MiB, walBytes: 4 * MiB };
/** 30 samples 2 s apart, `change(i)` applied to the i-th. */
const run = (change: (i: number) => Partial<ProcessSample> = () => ({}), length = 30): ProcessSample[] =>
  Array.from({ length }, (_, i) => ({ ...flat, at: i * 2_000, ...change(i) }));

test('a full collection dipping RSS in the middle third is not growth', () => {
  // As measured once: the middle third's median at 113 MiB after a full collection, the last at 131.7.
  const rss = [...Array(10).fill(125), 130, ...Array(7).fill(112), 125, 128, ...Array(10).fill(131)];
  const judged = judgeFlatness(run((i) => ({ rssBytes: (rss[i] as number) * MiB })));
  assert.ok(judged.ok, judged.report);
});

const cases: readonly { name: string; samples: ProcessSample[]; failing: readonly string[]; report?: RegExp }[] = [
  { name: 'all flat', samples: run(), failing: [] },
  { name: 'RSS that keeps growing (4 MiB a sample) is a leak', samples: run((i) => ({ rssBytes: (100 + i * 4) * MiB })), failing: ['rss'], report: /NOT FLAT RSS/ },
  { name: 'RSS up 7 MiB of 60 (under the 8 MiB floor of noise) is flat', samples: run((i) => ({ rssBytes: (i >= 20 ? 67 : 60) * MiB })), failing: [] },
  { name: 'RSS up 9 MiB of 60 in the last third is growth', samples: run((i) => ({ rssBytes: (i >= 20 ? 69 : 60) * MiB })), failing: ['rss'] },
  { name: 'three more descriptors are sockets in flight', samples: run((i) => ({ fds: i >= 20 ? 31 : 28 })), failing: [] },
  { name: 'four more descriptors is a leak', samples: run((i) => ({ fds: i >= 20 ? 32 : 28 })), failing: ['fds'], report: /NOT FLAT open descriptors, middle third max -> last third max 28 -> 32/ },
  { name: 'the database growing past retention', samples: run((i) => ({ dbBytes: (180 + i * 10) * 1024 })), failing: ['db'] },
  { name: 'a WAL file past the checkpoint plus 1 MiB', samples: run((i) => ({ walBytes: i === 5 ? 6 * MiB : 4 * MiB })), failing: ['wal'] },
];

for (const { name, samples, failing, report } of cases) {
  test(`flatness: ${name}`, () => {
    const judged = judgeFlatness(samples);
    assert.deepEqual(judged.checks.filter((c) => !c.ok).map((c) => c.name), failing, judged.report);
    assert.equal(judged.ok, failing.length === 0, judged.report);
    if (report) assert.match(judged.report, report);
  });
}

test('too few samples to cut into thirds are never flat, even if every check passes', () => {
  const judged = judgeFlatness(run(undefined, 8));
  assert.ok(judged.checks.every((c) => c.ok), judged.report);
  assert.equal(judged.ok, false);
  assert.equal(judgeFlatness(run(undefined, 9)).ok, true);
});
