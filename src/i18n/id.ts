// Bahasa Indonesia: the default language of every text a person reads. Pure.
import type { Catalogue } from './catalogue.js';
import { idEmail } from './id-email.js';
import { idPage } from './id-page.js';
import { idAdmin } from './id-admin.js';
import { idForecast } from './id-forecast.js';
import { bytes, count, duration, percent, span, text } from './format.js';

const units = { d: 'h', h: 'j', m: 'm', s: 'd' };

const causeText = { central: 'server pusat tidak menjawab', uplink: 'jaringan kantor (uplink) terputus', dns: 'DNS gagal' } as const;

export const id: Catalogue = {
  gateState: { allowed: 'PEREKAMAN BERJALAN', halted: 'PEREKAMAN DIHENTIKAN' },
  reason: (r) => {
    const f = r.facts;
    switch (r.code) {
      case 'STARTING':
        return `jaga baru mulai; menunggu hasil pemeriksaan pertama (${text(f.waitingFor)})`;
      case 'CENTRAL_UNREACHABLE':
        return `Server pusat tidak terjangkau: ${causeText[r.cause ?? 'central']} (target gagal: ${text(f.downTargets)})`;
      case 'STORAGE_CRITICAL':
        return `Penyimpanan ${r.subject} hampir penuh: terpakai ${percent(f.usedRatio)}, sisa ${bytes(f.availBytes)} (batas henti ${percent(f.haltRatio)})`;
      case 'STORAGE_FLOOR':
        return `Penyimpanan ${r.subject} melewati batas aman ${percent(f.floorRatio)}: terpakai ${percent(f.usedRatio)}, sisa ${bytes(f.availBytes)}; tidak dapat dibuka dengan override`;
      case 'STORAGE_FILLING':
        return `Penyimpanan ${r.subject} akan penuh dalam ${span(f.etaSeconds, units)} dengan laju saat ini`;
      case 'INODES_CRITICAL':
        return `Penyimpanan ${r.subject} kehabisan inode (jumlah berkas): terpakai ${percent(f.filesUsedRatio)}`;
      case 'VOLUME_UNAVAILABLE': {
        // Public views leave the detail (a path) out: the sentence then ends without it, not in "?".
        const untrusted = `Penyimpanan ${r.subject} tidak dapat dipercaya (${text(f.failure)})`;
        return f.detail === undefined ? untrusted : `${untrusted}: ${text(f.detail)}`;
      }
      case 'BACKLOG_CRITICAL': {
        if (f.unavailable === true) {
          const unread = `Antrean unggah ${r.subject} tidak dapat dibaca (${text(f.failure)})`;
          return f.detail === undefined ? unread : `${unread}: ${text(f.detail)}`;
        }
        const oldest = typeof f.oldestAgeSeconds === 'number' ? `, yang tertua menunggu ${duration(f.oldestAgeSeconds, idEmail.durationWords)}` : '';
        return `${count(f.items, 'id-ID')} rekaman di ${r.subject} belum terkirim ke pusat${oldest} (batas ${text(f.limit)})`;
      }
      case 'UPLOAD_STALLED': {
        const waiting = typeof f.itemsWaiting === 'number' ? `; ${count(f.itemsWaiting, 'id-ID')} rekaman menunggu` : '';
        const last = typeof f.lastPingAt === 'number' ? 'tidak ada unggahan berhasil' : 'belum pernah ada unggahan berhasil';
        return `Unggahan macet (${r.subject}): ${last} selama lebih dari ${typeof f.graceSeconds === 'number' ? duration(f.graceSeconds, idEmail.durationWords) : '?'}${waiting}`;
      }
      case 'PROBES_STALE':
        return `Pemeriksaan terlambat, tidak ada data baru dari: ${text(f.stale)}`;
      case 'MANUAL_HALT':
        return f.reason === undefined ? `Dihentikan manual oleh ${text(f.by)}` : `Dihentikan manual oleh ${text(f.by)}: ${text(f.reason)}`;
    }
  },
  resumingAt: (when) => `Semua penyebab sudah hilang; perekaman dibuka kembali pada ${when} bila tetap normal`,
  cli: {
    configOk: (file) => `Konfigurasi ${file} valid. Konfigurasi efektif (rahasia disamarkan):`,
    configInvalid: (file) => `Konfigurasi ${file} tidak valid:`,
    probeHeader: ['NAMA', 'JENIS', 'HASIL', 'WAKTU', 'KETERANGAN'],
    ok: 'ok',
    failed: 'gagal',
    gateLine: (state) => `Gerbang: ${state}`,
    noReasons: 'Tidak ada penyebab henti.',
    unreachable: (url, why) => `Tidak dapat menghubungi jaga di ${url}: ${why}`,
    answerTooLarge: (url, limit) => `Jawaban dari ${url} lebih besar dari ${limit}; pembacaan dihentikan. Benarkah alamat ini jaga?`,
    overrideCreated: (overrideId, action, until) => `Override ${overrideId} (${action}) dibuat, berlaku sampai ${until}.`,
    overrideLifted: (overrideId) => `Override ${overrideId} dicabut.`,
    noOverrides: 'Tidak ada override aktif.',
    tokenMissing: 'Token admin tidak ada: isi variabel lingkungan JAGA_TOKEN dengan token dari JAGA_ADMIN_TOKENS.',
    usage: [
      'Pemakaian: jaga <perintah> [--config jaga.yaml] [--lang id|en]',
      '',
      'Perintah:',
      '  start                      menjalankan layanan',
      '  check-config               memeriksa konfigurasi dan mencetak konfigurasi efektif',
      '  probe                      satu putaran pemeriksaan; kode keluar 0 berjalan, 1 dihentikan, 2 galat',
      '  status [--url URL]         keadaan jaga yang sedang berjalan',
      '  override halt|allow --reason TEKS [--for 2h]   menghentikan atau membuka perekaman secara manual',
      '  override list              override aktif',
      '  override lift ID           mencabut override',
      '  history [--limit N] [--since ISO] [--until ISO] [--reason KODE]   riwayat perubahan gerbang',
      '  report [--since 2026-11-01] [--until 2026-12-01] [--csv]   laporan: lama perekaman dihentikan, per penyebab, gangguan pusat terlama, ketersediaan pusat',
      '  silence list | add --match label=nilai --comment TEKS --for 2h | expire ID   jeda peringatan',
      '  test-email [--to ALAMAT]   mengirim email uji ke semua penerima (atau satu alamat)',
      '  backtest --timeline BERKAS.csv | --from-db [--since 30d] [--json]   apa yang akan diputuskan gerbang atas sebuah linimasa',
    ].join('\n'),
    noSilences: 'Tidak ada silence aktif.',
    silenceCreated: (silenceId, until) => `Silence ${silenceId} dibuat, berlaku sampai ${until}.`,
    silenceExpired: (silenceId) => `Silence ${silenceId} diakhiri.`,
    badMatcher: (pair) => `Pencocok "${pair}" tidak valid: tulis label=nilai (atau label=~regex).`,
    smtpMissing: 'Email belum diatur: alerts.smtp tidak ada di konfigurasi.',
    noRecipients: 'Tidak ada penerima: isi alerts.recipients atau pakai --to ALAMAT.',
    testEmailAccepted: (to, response) => `Email uji ke ${to} diterima server surat: ${response}`,
    testEmailRefused: (to, permanent, error) =>
      `Email uji ke ${to} ${permanent ? 'ditolak (permanen)' : 'gagal (sementara, dapat dicoba lagi)'}: ${error}`,
    reportPeriod: (start, end) => `Laporan ${start} s.d. ${end}`,
    reportHalted: (seconds, percent, halts) =>
      `Perekaman dihentikan selama ${Math.round(seconds / 60)} menit (${percent}% dari periode), ${halts} kali`,
    reportLongestOutage: (seconds, start) =>
      seconds === null ? 'Tidak ada gangguan server pusat.' : `Gangguan server pusat terlama: ${Math.round(seconds / 60)} menit, mulai ${start}`,
    reportAvailability: (percent) => `Ketersediaan server pusat: ${percent === null ? 'tidak ada data' : `${percent}%`}`,
    statusBacklog: (items, size, oldestAgeSeconds) =>
      [`${count(items, 'id-ID')} rekaman`, ...(size === null ? [] : [bytes(size)]), ...(oldestAgeSeconds === null ? [] : [`yang tertua menunggu ${span(oldestAgeSeconds, units)}`])].join(', '),
    statusHeartbeat: (lastPingAt, graceSeconds) => `${lastPingAt === null ? 'belum pernah ada ping' : `ping terakhir ${lastPingAt}`}, tenggang ${span(graceSeconds, units)}`,
    reportPeakBacklog: (items) => `Rekaman terbanyak yang menunggu unggah sekaligus: ${items === null ? 'tidak ada data' : count(items, 'id-ID')}`,
    reportPeakBacklogSource: (source, items) => `  - ${source}: ${items === null ? 'tidak ada data' : count(items, 'id-ID')}`,
    reportLongestWithoutUpload: (heartbeat, seconds) =>
      `Jeda terlama tanpa unggahan berhasil (${heartbeat}): ${seconds === null ? 'tidak ada data' : span(seconds, units)}`,
    backtestUsage: 'Pemakaian: jaga backtest --config jaga.yaml (--timeline BERKAS.csv | --from-db [--since 30d]) [--json]',
    backtestBadSince: (since) => `--since "${since}" bukan durasi (30d) maupun waktu (2026-11-01T00:00:00+07:00).`,
    timelineInvalid: (file) => `Linimasa ${file} tidak valid:`,
    backtestIgnored: (subjects) => `Tidak diputar ulang, tidak ada di konfigurasi: ${subjects}`,
    backtestNothingStored: 'Basis data tidak menyimpan sampel untuk periode ini.',
    backtestPeriod: (start, end) => `Putar ulang ${start} s.d. ${end}`,
    backtestHeader: ['WAKTU', 'GERBANG', 'PENYEBAB'],
    backtestNoTransitions: 'Gerbang tidak pernah berubah.',
    backtestClearing: '(semua penyebab sudah hilang; menunggu resume_after)',
    backtestForecastHeader: ['WAKTU', 'PERKIRAAN HENTI', 'SUBJEK'],
    backtestNoForecast: 'Tidak ada perkiraan henti.',
    backtestForecastNone: 'tidak ada',
    backtestHalted: (seconds, halts) => `Perekaman dihentikan selama ${span(seconds, units)} seluruhnya, ${halts} kali`,
    backtestFirstHalt: (at) => (at === null ? 'Perekaman tidak pernah dihentikan.' : `Penghentian pertama: ${at}`),
    backtestMinAvail: (volume, size) => `Ruang kosong terkecil di ${volume}: ${size === null ? 'tidak ada data' : bytes(size)}`,
    started: (url) => `jaga berjalan di ${url}`,
    stopping: 'jaga berhenti...',
  },
  email: idEmail,
  page: idPage,
  admin: idAdmin,
  forecast: idForecast,
};
