// The soak test's judge: what counts as flat, on made-up samples. Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeFlatness, type ProcessSample } from './soak.js';

const MiB = 1024 * 1024;
const sample = (rssMiB: number, i: number): ProcessSample => ({ at: i * 2_000, rssBytes: rssMiB * MiB, fds: 28, dbBytes: 180 * 1024, fileBytes: 5 * MiB, walBytes: 4 * MiB });

test('a full collection dipping RSS in the middle third is not growth', () => {
  // As measured once: the middle third's median at 113 MiB after a full collection, the last at 131.7.
  const rss = [...Array(10).fill(125), 130, ...Array(7).fill(112), 125, 128, ...Array(10).fill(131)];
  assert.ok(judgeFlatness(rss.map(sample)).ok, judgeFlatness(rss.map(sample)).report);
});

test('RSS that keeps growing (4 MiB a sample) is a leak', () => {
  const rss = Array.from({ length: 30 }, (_, i) => 100 + i * 4);
  const flat = judgeFlatness(rss.map(sample));
  assert.equal(flat.ok, false, flat.report);
  assert.match(flat.report, /NOT FLAT RSS/);
});
