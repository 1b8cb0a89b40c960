// Bahasa Indonesia for the halt forecast and the buffer mode: when recording will have to stop, why,
// by which model, in working days of the office. Pure.
import type { ForecastCatalogue } from './catalogue.js';
import { oneDecimal } from './format.js';

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const WEEKDAYS = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
const pad = (n: number) => String(n).padStart(2, '0');

export const idForecast: ForecastCatalogue = {
  when: (c) => `${WEEKDAYS[c.weekday] ?? ''} ${c.day} ${MONTHS[c.month - 1] ?? c.month}${c.thisYear ? '' : ` ${c.year}`} sekitar pukul ${pad(c.hour)}.${pad(c.minute)} ${c.zone}`,
  left: ({ days, seconds }) => {
    if (days !== null && days >= 1) return `sekitar ${oneDecimal(days, 'id-ID')} hari kerja lagi`;
    const hours = seconds / 3600;
    return hours >= 1 ? `sekitar ${oneDecimal(hours, 'id-ID')} jam kerja lagi` : 'kurang dari 1 jam kerja lagi';
  },
  halt: (when, left) => `perkiraan: perekaman harus dihentikan ${when}, ${left}`,
  withWhy: (halt, why) => `${halt}, karena ${why}`,
  noHalt: 'perkiraan: belum terlihat perekaman harus dihentikan dalam 60 hari ke depan',
  noData: 'perkiraan: belum ada cukup data untuk memperkirakan',
  why: (reason, subject) => {
    switch (reason) {
      case 'STORAGE_CRITICAL':
        return `penyimpanan ${subject} akan mencapai batas henti (halt_ratio)`;
      case 'STORAGE_FILLING':
        return `ruang penyimpanan ${subject} akan tersisa kurang dari batas waktu kerja halt_eta`;
      case 'CENTRAL_UNREACHABLE':
        return 'server pusat belum terhubung dan ruang disk kantor untuk perekaman akan kurang dari buffer_min_hours jam kerja';
      default:
        return `${reason} (${subject})`;
    }
  },
  model: {
    weekly: 'pola mingguan, dipelajari dari pemakaian kantor ini',
    office_hours: 'jam kerja kantor (office_hours), sampai pola mingguan dapat dipelajari',
    linear: 'garis lurus dari laju saat ini',
  },
  modelLine: (model) => `model perkiraan: ${model}`,
  buffering: (since, ends) =>
    `Mode penyangga sejak ${since}: server pusat tidak terjangkau, perekaman berjalan di disk kantor dan dikirim setelah server pusat kembali. ${
      ends === null ? 'Belum terlihat kapan harus dihentikan.' : `Harus dihentikan ${ends} bila server pusat belum kembali.`
    }`,
  volume: (haltAt, roomWorkingHours) =>
    [
      haltAt === null ? 'tidak terlihat mencapai batas henti' : `batas henti ${haltAt}`,
      ...(roomWorkingHours === null ? [] : [`ruang untuk ± ${oneDecimal(roomWorkingHours, 'id-ID')} jam kerja`]),
    ].join(', '),
};
