// /admin's forecast parts: under the gate's state, when recording will have to stop and why in people's
// words with the model that answered, the buffer mode and until when; each volume's forecast in its
// row. Pure renderings, escaped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Gate, VolumeState } from '../../src/core/types.js';
import type { VolumeForecast } from '../../src/core/forecast/forecast.js';
import { forecastParagraphs, volumeForecastCell } from '../../src/http/admin/forecast.js';
import { html } from '../../src/http/admin/html.js';
import { volumesSection, type AdminView } from '../../src/http/admin/sections.js';
import { catalogue, type Language } from '../../src/i18n/catalogue.js';
import { DEFAULT_OFFICE_CALENDAR } from '../helpers/calendar.js';

const HOUR = 3_600_000;
/** Monday 7 Dec 2026 10.00 WIB */
const NOW = Date.UTC(2026, 11, 7, 3, 0);
/** Thursday 10 Dec 2026 14.07 WIB */
const THURSDAY = Date.UTC(2026, 11, 10, 7, 7);
const EVIL = '<b>x</b>';

const view = (language: Language = 'id'): AdminView => ({ c: catalogue(language), language, timeZone: 'Asia/Jakarta', now: NOW, langQuery: '', csrf: 'x' });

const gate = (o: Partial<Gate> = {}): Gate => ({
  state: 'allowed',
  mode: 'normal',
  buffering: null,
  forecast: { haltAt: THURSDAY, reason: 'STORAGE_FILLING', subject: 'rekaman', model: 'linear' },
  since: NOW - HOUR,
  reasons: [],
  overridden: [],
  clearSince: null,
  decidedAt: NOW,
  validUntil: NOW + 45_000,
  override: null,
  ...o,
});

const FORECAST: VolumeForecast = { model: 'weekly', haltAt: THURSDAY, floorAt: null, fullAt: null, fillingAt: null, bufferEndAt: null, roomWorkingSeconds: 37.5 * 3600 };
const volume = (forecast: VolumeForecast | null, name = 'rekaman'): VolumeState => ({
  name,
  deviceId: 7,
  last: null,
  lastUsage: null,
  samples: [],
  fillRateBytesPerSecond: null,
  fullEtaSeconds: null,
  forecast,
});

const render = (g: Gate, language: Language = 'id', volumes = [volume(FORECAST)]) => html`${forecastParagraphs(view(language), g, volumes, DEFAULT_OFFICE_CALENDAR)}`.value;

describe('the gate: the forecast under its state', () => {
  test('when and why, capitalised, with the model that answered', () => {
    assert.equal(
      render(gate()),
      '<p class="forecast"><strong>Perkiraan: perekaman harus dihentikan Kamis 10 Desember sekitar pukul 14.00 WIB, sekitar 3,5 hari kerja lagi, karena ruang penyimpanan rekaman akan tersisa kurang dari batas waktu kerja halt_eta</strong><br><span class="muted">model perkiraan: garis lurus dari laju saat ini</span></p>',
    );
    assert.match(render(gate(), 'en'), /<strong>Forecast: recording will have to stop on Thursday 10 December at about 14:00 WIB, about 3\.5 working days from now, because volume rekaman/);
  });

  test('no halt in sight: said, without a model; halted: nothing', () => {
    assert.equal(render(gate({ forecast: null })), '<p class="forecast"><strong>Perkiraan: belum terlihat perekaman harus dihentikan dalam 60 hari ke depan</strong></p>');
    assert.equal(render(gate({ state: 'halted', forecast: null })), '');
  });

  test('buffering: since when, and when it must stop in working days', () => {
    const buffering = gate({ mode: 'buffering', buffering: { since: NOW - 2 * HOUR, roomWorkingSeconds: 30 * 3600, endsAt: THURSDAY } });
    assert.match(
      render(buffering),
      /<p class="buffering">Mode penyangga sejak 08\.00 WIB: server pusat tidak terjangkau, perekaman berjalan di disk kantor dan dikirim setelah server pusat kembali\. Harus dihentikan Kamis 10 Desember sekitar pukul 14\.00 WIB, sekitar 3,5 hari kerja lagi bila server pusat belum kembali\.<\/p>/,
    );
    assert.match(render(gate({ mode: 'buffering', buffering: { since: NOW, roomWorkingSeconds: null, endsAt: null } }), 'en'), /No end in sight yet\.<\/p>/);
  });

  test('a volume name is escaped in the sentence', () => {
    const page = render(gate({ forecast: { haltAt: THURSDAY, reason: 'STORAGE_CRITICAL', subject: EVIL, model: 'weekly' } }));
    assert.ok(page.includes('penyimpanan &lt;b&gt;x&lt;/b&gt; akan mencapai'));
    assert.ok(!page.includes(EVIL));
  });
});

describe('the volumes table: a forecast column', () => {
  test('the halt line\'s time, the room in working hours, the model', () => {
    assert.equal(html`${volumeForecastCell(view(), volume(FORECAST))}`.value, 'batas henti 10 Des 2026 14.07 WIB, ruang untuk ± 37,5 jam kerja<br><span class="muted">pola mingguan, dipelajari dari pemakaian kantor ini</span>');
    assert.equal(
      html`${volumeForecastCell(view('en'), volume({ ...FORECAST, haltAt: null, roomWorkingSeconds: null, model: 'office_hours' }))}`.value,
      'halt line not in sight<br><span class="muted">office hours (office_hours), until the weekly pattern can be learned</span>',
    );
    assert.equal(volumeForecastCell(view(), volume(null)), '–');
  });

  test('the section has the column', () => {
    const section = volumesSection(view(), [volume(FORECAST)]).value;
    assert.match(section, /<th scope="col">Perkiraan<\/th>/);
    assert.match(section, /ruang untuk ± 37,5 jam kerja/);
  });
});
