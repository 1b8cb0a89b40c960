// The forecast as a table: a volume consumed at 1 GB per working hour from Monday 08:00 reaches its halt
// line, its floor and full at instants counted in working hours across nights, the weekend and a
// holiday; halt_eta and buffer_min_hours are working time before full; a volume already past a line is
// there now; one not filling has no forecast halt. And the gate: the earliest halt foreseen, why, and
// the buffer mode with its end.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OfficeCalendar } from '../../../src/core/forecast/calendar.js';
import { forecastVolume, withForecast, type VolumeLimits } from '../../../src/core/forecast/forecast.js';
import type { ConsumptionModel } from '../../../src/core/forecast/model.js';
import { decideGate, type GatePolicy } from '../../../src/core/gate.js';
import type { TargetState, VolumeState, VolumeUsage } from '../../../src/core/types.js';

const HOUR = 3_600_000;
const GB = 1e9;
const wib = (local: string) => Date.parse(`${local}:00+07:00`);
const MONDAY_8 = wib('2026-12-07T08:00');

const calendar = new OfficeCalendar({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], startMinute: 480, endMinute: 960, holidays: ['2026-12-09'], timeZone: 'Asia/Jakarta' });
/** 1 GB per working hour, nothing outside. */
const officeGb: ConsumptionModel = { name: 'office_hours', rate: (at) => (calendar.isWorkingTime(at) ? GB / HOUR : 0) };
const usage = (availGb: number, totalGb = 100): VolumeUsage => {
  const avail = availGb * GB;
  const used = totalGb * GB - avail;
  return { sizeBytes: totalGb * GB, freeBytes: avail, availBytes: avail, usedBytes: used, usedRatio: used / (totalGb * GB), filesTotal: 0, filesFree: 0, filesUsedRatio: 0 };
};
const LIMITS: VolumeLimits = { haltRatio: 0.9, floorRatio: 0.95, minFreeBytes: null, haltEtaMs: 4 * HOUR, bufferWorkingMs: 24 * HOUR };

describe('forecastVolume: working hours decide when', () => {
  test('20 GB left of 100 from Monday 08:00 (Wednesday a holiday)', () => {
    const f = forecastVolume(usage(20), officeGb, calendar, LIMITS, MONDAY_8);
    // Halt line at 10 GB left: 10 working hours on, Tuesday 10:00. Floor at 5 GB: Tuesday 15:00.
    // Full: 20 working hours on; Wednesday is a holiday, so Thursday 12:00.
    assert.equal(f.haltAt, wib('2026-12-08T10:00'));
    assert.equal(f.floorAt, wib('2026-12-08T15:00'));
    assert.equal(f.fullAt, wib('2026-12-10T12:00'));
    assert.equal(f.roomWorkingSeconds, 20 * 3600);
    // STORAGE_FILLING when less than 4 working hours are left: Thursday 08:00.
    assert.equal(f.fillingAt, wib('2026-12-10T08:00'));
    // Buffering needs 24 working hours of room; there are 20: it ends now.
    assert.equal(f.bufferEndAt, MONDAY_8);
    assert.equal(f.model, 'office_hours');
  });

  test('min_free_bytes above the halt line brings the halt earlier', () => {
    const f = forecastVolume(usage(20), officeGb, calendar, { ...LIMITS, minFreeBytes: 15 * GB }, MONDAY_8);
    assert.equal(f.haltAt, wib('2026-12-07T13:00'));
  });

  test('a volume already past its halt line is there now', () => {
    const f = forecastVolume(usage(8), officeGb, calendar, LIMITS, MONDAY_8);
    assert.equal(f.haltAt, MONDAY_8);
    assert.equal(f.floorAt, wib('2026-12-07T11:00'));
  });

  test('nothing consumed: no halt, no floor, no full, no room limit', () => {
    const f = forecastVolume(usage(20), { name: 'weekly', rate: () => 0 }, calendar, LIMITS, MONDAY_8);
    assert.deepEqual([f.haltAt, f.floorAt, f.fullAt, f.fillingAt, f.bufferEndAt, f.roomWorkingSeconds], [null, null, null, null, null, null]);
  });

  test('a linear model fills at night too: full sooner than by the office hours, room counted in working time', () => {
    const f = forecastVolume(usage(20), { name: 'linear', rate: () => GB / HOUR }, calendar, LIMITS, MONDAY_8);
    assert.equal(f.fullAt, MONDAY_8 + 20 * HOUR);
    assert.equal(f.roomWorkingSeconds, 8 * 3600, 'Monday 08:00-16:00 is all the working time before Tuesday 04:00');
  });

  test('withForecast: halt_eta 0s turns the fill-rate judgement off: no forecast, today\'s line stays', () => {
    const u = usage(20);
    const filling: VolumeState = { name: 'rekaman', deviceId: 1, last: { ok: true, volume: 'rekaman', at: MONDAY_8, durationMs: 1, deviceId: 1, ...u }, lastUsage: u, samples: [], fillRateBytesPerSecond: -1e6, fullEtaSeconds: 20_000, forecast: null };
    assert.deepEqual(withForecast(filling, [], calendar, { ...LIMITS, haltEtaMs: 0 }, MONDAY_8), filling);
    assert.equal(withForecast(filling, [], calendar, LIMITS, MONDAY_8).forecast?.model, 'linear');
  });

  test('withForecast: without numbers or a model, no forecast and no time to full', () => {
    const bare: VolumeState = { name: 'rekaman', deviceId: 1, last: null, lastUsage: null, samples: [], fillRateBytesPerSecond: null, fullEtaSeconds: 5, forecast: null };
    assert.deepEqual(withForecast(bare, [], calendar, LIMITS, MONDAY_8), { ...bare, fullEtaSeconds: null });
  });
});

describe('the gate: forecast and buffer mode', () => {
  const now = MONDAY_8;
  const volume = (name: string, availGb: number): VolumeState => {
    const u = usage(availGb);
    return {
      name,
      deviceId: 1,
      last: { ok: true, volume: name, at: now, durationMs: 1, deviceId: 1, ...u },
      lastUsage: u,
      samples: [],
      fillRateBytesPerSecond: null,
      fullEtaSeconds: null,
      forecast: forecastVolume(u, officeGb, calendar, LIMITS, now),
    };
  };
  const target = (status: 'up' | 'down'): TargetState => ({
    name: 'pusat',
    kind: 'http',
    role: 'central',
    status,
    statusSince: now - HOUR,
    consecutiveFailures: status === 'down' ? 3 : 0,
    consecutiveSuccesses: status === 'up' ? 3 : 0,
    last: status === 'up' ? { ok: true, target: 'pusat', at: now, durationMs: 5, phases: {}, detail: '200' } : { ok: false, target: 'pusat', at: now, failure: 'timeout', durationMs: 5, phases: {}, detail: 'x' },
    lastSuccessAt: now - HOUR,
    lastFailureAt: null,
  });
  const policy = (o: Partial<GatePolicy> = {}): GatePolicy => ({
    downWhen: 'any',
    onCentralDown: 'halt',
    bufferMinHours: 24,
    resumeAfterMs: 60_000,
    validForMs: 45_000,
    staleAfterMs: { central: HOUR, storage: HOUR },
    volumes: ['rekaman', 'arsip'].map((name) => ({ name, warnRatio: 0.85, haltRatio: 0.9, resumeRatio: 0.85, floorRatio: 0.95, minFreeBytes: null, haltEtaMs: 4 * HOUR })),
    backlogs: [],
    heartbeats: [],
    ...o,
  });
  const decide = (volumes: VolumeState[], central: 'up' | 'down', o: Partial<GatePolicy> = {}) =>
    decideGate({ previous: null, targets: [target(central)], volumes, backlogs: [], heartbeats: [], overrides: [], now }, policy(o)).gate;

  test('allowed: the earliest halt foreseen is the fuller volume reaching its halt line', () => {
    const gate = decide([volume('rekaman', 20), volume('arsip', 14)], 'up');
    assert.equal(gate.state, 'allowed');
    assert.equal(gate.mode, 'normal');
    assert.deepEqual(gate.forecast, { haltAt: wib('2026-12-07T12:00'), reason: 'STORAGE_CRITICAL', subject: 'arsip', model: 'office_hours' });
  });

  test('halted: no forecast', () => {
    assert.equal(decide([volume('rekaman', 20)], 'down').forecast, null);
  });

  test('buffer mode with room for 40 working hours: buffering, since now, the least room, and when it must end', () => {
    const gate = decide([volume('rekaman', 40), volume('arsip', 60)], 'down', { onCentralDown: 'buffer' });
    assert.equal(gate.state, 'allowed');
    assert.equal(gate.mode, 'buffering');
    // rekaman: 40 GB is 40 working hours: full Monday 14 December 16:00 (Wednesday 9 is a holiday). Under
    // 24 working hours of room from Thursday 10 December 08:00 (Thursday, Friday and Monday 8 h each).
    assert.deepEqual(gate.buffering, { since: now, roomWorkingSeconds: 40 * 3600, endsAt: wib('2026-12-10T08:00') });
    // Buffering ends before rekaman reaches its halt line (30 working hours: Friday 14:00).
    assert.deepEqual(gate.forecast, { haltAt: wib('2026-12-10T08:00'), reason: 'CENTRAL_UNREACHABLE', subject: 'central', model: 'office_hours' });
  });

  test('once buffering ended for want of room, it starts again only with a quarter more (30 working hours)', () => {
    const ended = decide([volume('rekaman', 20)], 'down', { onCentralDown: 'buffer' });
    assert.equal(ended.state, 'halted');
    const again = (availGb: number) =>
      decideGate({ previous: ended, targets: [target('down')], volumes: [volume('rekaman', availGb)], backlogs: [], heartbeats: [], overrides: [], now }, policy({ onCentralDown: 'buffer' })).gate;
    assert.deepEqual(again(29).reasons.map((r) => r.code), ['CENTRAL_UNREACHABLE'], '29 working hours: still halted');
    assert.deepEqual(again(30).reasons, [], '30 working hours: buffering may start again');
  });

  test('buffer mode without 24 working hours of room: halted, not buffering', () => {
    const gate = decide([volume('rekaman', 20)], 'down', { onCentralDown: 'buffer' });
    assert.equal(gate.state, 'halted');
    assert.equal(gate.mode, 'normal');
    assert.equal(gate.buffering, null);
  });
});
