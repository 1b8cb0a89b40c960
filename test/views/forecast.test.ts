// The halt forecast and the buffer mode on the wire: the gate's `mode`, `buffering` and `forecast` (its
// null fields, its `message` in people's words where the office is known), a volume's `forecast`, and
// what the public is told while buffering. Pure views.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Gate, VolumeState } from '../../src/core/types.js';
import type { VolumeForecast } from '../../src/core/forecast/forecast.js';
import { forecastMessage, type ForecastContext } from '../../src/views/forecast.js';
import { publicGate } from '../../src/views/public-status.js';
import { gateView, volumeView } from '../../src/views/views.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';

const HOUR = 3_600_000;
/** Monday 7 Dec 2026 10.00 WIB */
const NOW = Date.UTC(2026, 11, 7, 3, 0);
/** Thursday 10 Dec 2026 14.07 WIB: 3 working days and 6 hours ahead (Mon 6 h, Tue, Wed 8 h, Thu 6 h = 28 h). */
const THURSDAY = Date.UTC(2026, 11, 10, 7, 7);

const allowed = (o: Partial<Gate> = {}): Gate => ({
  state: 'allowed',
  mode: 'normal',
  buffering: null,
  forecast: { haltAt: THURSDAY, reason: 'STORAGE_CRITICAL', subject: 'rekaman', model: 'weekly' },
  since: NOW - 10 * HOUR,
  reasons: [],
  overridden: [],
  clearSince: null,
  decidedAt: NOW,
  validUntil: NOW + 45_000,
  override: null,
  ...o,
});

const FORECAST: VolumeForecast = {
  model: 'office_hours',
  haltAt: THURSDAY,
  floorAt: THURSDAY + 2 * HOUR,
  fullAt: null,
  fillingAt: THURSDAY - HOUR,
  bufferEndAt: null,
  roomWorkingSeconds: 12_345,
};

function volume(forecast: VolumeForecast | null): VolumeState {
  return { name: 'rekaman', deviceId: 7, last: null, lastUsage: null, samples: [], fillRateBytesPerSecond: null, fullEtaSeconds: null, forecast };
}

const context = (volumes: readonly VolumeState[] = [volume(FORECAST)]): ForecastContext => ({ working: DEFAULT_OFFICE_CALENDAR, timeZone: 'Asia/Jakarta', volumes });
/** `ctx` null: a caller without the office (the gate actions). */
const view = (gate: Gate, language: 'id' | 'en' = 'id', ctx: ForecastContext | null = context()) =>
  gateView(gate, { language, internal: false, resumeAfterMs: 0, ...(ctx === null ? {} : { forecast: ctx }) });

describe('the gate\'s forecast, mode and buffering', () => {
  test('a halt foreseen: when, why, about what, by which model, and the sentence', () => {
    const v = view(allowed());
    assert.equal(v.mode, 'normal');
    assert.equal(v.buffering, null);
    assert.deepEqual(v.forecast, {
      halt_at: new Date(THURSDAY).toISOString(),
      reason: 'STORAGE_CRITICAL',
      subject: 'rekaman',
      model: 'weekly',
      message: 'perkiraan: perekaman harus dihentikan Kamis 10 Desember sekitar pukul 14.00 WIB, sekitar 3,5 hari kerja lagi, karena penyimpanan rekaman akan mencapai batas henti (halt_ratio)',
    });
    assert.equal(
      (view(allowed(), 'en').forecast as { message: string }).message,
      'forecast: recording will have to stop on Thursday 10 December at about 14:00 WIB, about 3.5 working days from now, because volume rekaman will reach its halt line (halt_ratio)',
    );
  });

  test('no halt foreseen: every field null; the message says so, or that there is nothing to go by yet', () => {
    const none = allowed({ forecast: null });
    assert.deepEqual(view(none).forecast, { halt_at: null, reason: null, subject: null, model: null, message: 'perkiraan: belum terlihat perekaman harus dihentikan dalam 60 hari ke depan' });
    assert.equal((view(none, 'en', context([volume(null)])).forecast as { message: string }).message, 'forecast: not enough data to forecast yet');
  });

  test('halted: nothing to foresee, no message', () => {
    const halted = allowed({ state: 'halted', forecast: null, reasons: [{ code: 'MANUAL_HALT', subject: 'ov-1', since: NOW, facts: {} }] });
    assert.deepEqual(view(halted).forecast, { halt_at: null, reason: null, subject: null, model: null, message: null });
    assert.equal(forecastMessage(halted, context(), 'id'), null);
  });

  test('without the office (gate actions): the same fields, no message', () => {
    assert.deepEqual(view(allowed(), 'id', null).forecast, { halt_at: new Date(THURSDAY).toISOString(), reason: 'STORAGE_CRITICAL', subject: 'rekaman', model: 'weekly' });
  });

  test('buffering: since when, the room in working hours, when it must end', () => {
    const gate = allowed({
      mode: 'buffering',
      buffering: { since: NOW - 2 * HOUR, roomWorkingSeconds: 5.5 * 3600 + 7, endsAt: THURSDAY },
      forecast: { haltAt: THURSDAY, reason: 'CENTRAL_UNREACHABLE', subject: 'central', model: 'office_hours' },
    });
    const v = view(gate);
    assert.equal(v.mode, 'buffering');
    assert.deepEqual(v.buffering, { since: new Date(NOW - 2 * HOUR).toISOString(), room_working_hours: 5.5, ends_at: new Date(THURSDAY).toISOString() });
    assert.match(String((v.forecast as { message: string }).message), /, karena server pusat belum terhubung dan ruang disk kantor untuk perekaman akan kurang dari buffer_min_hours jam kerja$/);
    assert.deepEqual(view(allowed({ mode: 'buffering', buffering: { since: NOW, roomWorkingSeconds: null, endsAt: null } })).buffering, { since: new Date(NOW).toISOString(), room_working_hours: null, ends_at: null });
  });
});

describe('a volume\'s forecast', () => {
  test('model, halt, floor and full times, room in working hours', () => {
    assert.deepEqual(volumeView(volume(FORECAST), false).forecast, {
      model: 'office_hours',
      halt_at: new Date(THURSDAY).toISOString(),
      floor_at: new Date(THURSDAY + 2 * HOUR).toISOString(),
      full_at: null,
      room_working_hours: 3.43,
    });
  });

  test('nothing to go by yet: null', () => {
    assert.equal(volumeView(volume(null), false).forecast, null);
  });
});

describe('the public while buffering', () => {
  const buffering = allowed({ mode: 'buffering', buffering: { since: NOW - HOUR, roomWorkingSeconds: 3600, endsAt: THURSDAY } });

  test('open and buffering: said', () => {
    assert.equal(publicGate(buffering, NOW, 0, 'id').buffering, true);
    assert.equal(publicGate(allowed(), NOW, 0, 'id').buffering, false);
  });

  test('an answer past its validity is a halt, not buffering', () => {
    const stale = publicGate(buffering, buffering.validUntil + 1, 0, 'id');
    assert.equal(stale.state, 'halted');
    assert.equal(stale.buffering, false);
  });
});
