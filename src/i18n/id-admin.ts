// Bahasa Indonesia for the operator page /admin: login, dashboard, forms, messages. Pure.
import { MAX_ACTIVE_SILENCES } from '../core/alerts/silences.js';
import { MAX_ACTIVE_OVERRIDES } from '../core/reasons.js';
import type { AdminCatalogue } from './catalogue.js';

export const idAdmin: AdminCatalogue = {
  title: 'jaga · halaman operator',
  login: {
    heading: 'Masuk halaman operator',
    intro: 'Masukkan token admin Anda (dari JAGA_ADMIN_TOKENS). Nama token Anda dicatat pada setiap tindakan.',
    token: 'Token',
    submit: 'Masuk',
    failed: 'Gagal masuk. Periksa token lalu coba lagi.',
    rateLimited: 'Terlalu banyak percobaan gagal dari alamat ini. Tunggu satu menit lalu coba lagi.',
    unconfigured: {
      heading: 'Belum ada token admin',
      text: 'Belum ada yang bisa masuk: jaga dijalankan tanpa token admin. Tetapkan JAGA_ADMIN_TOKENS="nama=rahasia" di environment-nya (beberapa dipisahkan koma) lalu jalankan ulang; nama token dicatat pada setiap tindakan. Untuk demo, misalnya:',
      example: 'JAGA_ADMIN_TOKENS=it=ganti-dengan-rahasia-panjang npm start',
    },
  },
  signedInAs: (who) => `Masuk sebagai ${who}`,
  logout: 'Keluar',
  otherLanguage: { language: 'en', label: 'English' },
  sections: {
    gate: 'Gerbang perekaman',
    overrides: 'Override aktif',
    newOverride: 'Tetapkan override',
    targets: 'Target server pusat',
    volumes: 'Penyimpanan',
    alerts: 'Peringatan (pending dan aktif)',
    silences: 'Silence',
    newSilence: 'Tambah silence',
    outbox: 'Kotak keluar email',
    history: 'Riwayat perubahan gerbang (20 terakhir)',
    audit: 'Jejak audit (siapa, kapan, apa)',
  },
  gate: {
    since: (when, ago) => `sejak ${when}${ago ? ` (${ago} lalu)` : ''}`,
    decidedAt: (when) => `diputuskan ${when}`,
    validUntil: (when) => `berlaku sampai ${when}`,
    reasons: 'Penyebab henti',
    overridden: 'Penyebab yang dibuka oleh override allow',
    noReasons: 'Tidak ada penyebab henti.',
    override: (action, by) => `Override ${action} oleh ${by} berlaku`,
  },
  columns: {
    name: 'Nama',
    kind: 'Jenis',
    status: 'Status',
    failures: 'Gagal beruntun',
    lastProbe: 'Pemeriksaan terakhir',
    latency: 'Waktu',
    lastSuccess: 'Berhasil terakhir',
    used: 'Terpakai',
    avail: 'Sisa',
    inodes: 'Inode',
    fillRate: 'Laju isi',
    eta: 'Penuh dalam',
    forecast: 'Perkiraan',
    time: 'Waktu',
    change: 'Perubahan',
    reasons: 'Penyebab',
    who: 'Siapa',
    what: 'Apa',
    detail: 'Rincian',
    alert: 'Peringatan',
    severity: 'Tingkat',
    state: 'Keadaan',
    labels: 'Label',
    values: 'Angka',
    silencedBy: 'Dibisukan oleh',
    action: 'Tindakan',
    reason: 'Alasan',
    by: 'Oleh',
    created: 'Dibuat',
    expires: 'Berakhir',
    matchers: 'Pencocok',
    comment: 'Catatan',
    starts: 'Mulai',
    recipient: 'Penerima',
    subject: 'Subjek',
    attempts: 'Percobaan',
    error: 'Galat',
  },
  targetStatus: { unknown: 'belum diketahui', up: 'terhubung', down: 'terputus' },
  probeOk: 'ok',
  volumeOk: 'dapat dipercaya',
  notFilling: 'tidak bertambah',
  unknown: '?',
  perHour: (amount) => `${amount}/jam`,
  inodesFree: (count) => `${count} bebas`,
  untilLifted: 'sampai dicabut',
  none: 'Tidak ada.',
  alertState: { pending: 'menunggu', firing: 'aktif' },
  alertingOff: 'Peringatan tidak diatur (tidak ada bagian `alerts` di konfigurasi).',
  outbox: {
    pending: (count) => `Menunggu dikirim: ${count}`,
    oldest: (when) => `tertua sejak ${when}`,
    pendingHeading: 'Menunggu',
    givenUpHeading: 'Gagal dikirim (menyerah)',
    status: { pending: 'menunggu', sent: 'terkirim', failed: 'ditolak', expired: 'kedaluwarsa' },
  },
  audit: {
    'override.create': 'membuat override',
    'override.lift': 'mencabut override',
    'silence.create': 'membuat silence',
    'silence.expire': 'mengakhiri silence',
  },
  overrideAction: { halt: 'halt (hentikan)', allow: 'allow (buka)' },
  silenceSource: { config: 'konfigurasi', api: 'dibuat orang' },
  recurring: (cron, duration) => `berulang: ${cron}, selama ${duration}`,
  lift: 'Cabut',
  expire: 'Akhiri',
  form: {
    action: 'Tindakan',
    halt: 'halt: hentikan perekaman',
    allow: 'allow: buka perekaman (wajib berakhir, maks. 24 jam; tidak menembus batas aman penyimpanan)',
    reason: 'Alasan (dicatat di audit)',
    duration: 'Lama',
    durationHint: 'mis. 30m, 2h; kosong = sampai dicabut (hanya halt)',
    setOverride: 'Tetapkan override',
    matchers: 'Pencocok, satu per baris: label=nilai (nilai boleh ~regex)',
    silenceDuration: 'Lama (maks. 7 hari)',
    comment: 'Catatan (mis. pemeliharaan server pusat)',
    addSilence: 'Tambah silence',
  },
  flash: {
    overrideCreated: (id) => `Override ${id} ditetapkan.`,
    overrideLifted: (id) => `Override ${id} dicabut.`,
    silenceCreated: (id) => `Silence ${id} ditambahkan.`,
    silenceExpired: (id) => `Silence ${id} diakhiri.`,
  },
  problem: (field, code) => {
    switch (code) {
      case 'bad_duration':
        return 'Lama tidak valid: tulis mis. 30m, 2h atau 1h30m.';
      case 'allow_needs_expiry':
        return 'Override allow wajib berakhir: isi lama, paling lama 24 jam.';
      case 'allow_too_long':
        return 'Override allow paling lama 24 jam.';
      case 'halt_too_long':
        return 'Override halt yang berakhir paling lama 366 hari; kosongkan lama agar halt berlaku sampai dicabut.';
      case 'silence_starts_too_late':
        return 'Silence paling lambat dimulai 366 hari ke depan.';
      case 'control_characters':
        return 'Karakter kontrol (ganti baris, tab, escape terminal, pengubah arah bidi) tidak diizinkan; tulis satu baris teks biasa.';
      case 'silence_too_long':
        return 'Silence paling lama 7 hari.';
      case 'silence_ends_before_start':
      case 'expires_in_past':
        return 'Waktu berakhir harus di masa depan.';
      case 'for_and_expires_at':
        return 'Isi lama atau waktu berakhir, jangan keduanya.';
      case 'bad_regex':
        return 'Pencocok ~regex bukan ekspresi reguler yang valid.';
      case 'bad_matcher_line':
        return 'Pencocok harus berbentuk label=nilai, satu per baris, tiap label sekali.';
      case 'invalid':
        if (field === 'reason') return 'Alasan wajib diisi (paling banyak 500 karakter).';
        if (field === 'comment') return 'Catatan wajib diisi (paling banyak 500 karakter).';
        if (field === 'matchers') return 'Isi 1 sampai 10 pencocok; label hanya huruf, angka dan _ (tidak diawali angka), nilai paling banyak 200 karakter.';
        if (field === 'action') return 'Pilih halt atau allow.';
        return `Isian ${field} tidak valid.`;
    }
  },
  errors: {
    title: 'Permintaan ditolak',
    csrf: 'Formulir ini kedaluwarsa atau bukan dari halaman ini. Muat ulang halaman operator lalu coba lagi. Tidak ada yang diubah.',
    notFound: 'Halaman tidak ditemukan.',
    overrideGone: 'Override itu tidak aktif lagi (sudah dicabut atau berakhir).',
    silenceGone: 'Silence itu tidak aktif lagi atau berasal dari konfigurasi.',
    tooLarge: 'Isian terlalu besar.',
    internal: 'Galat internal; lihat log jaga.',
    back: 'Kembali ke halaman operator',
  },
  overrideRefused: {
    too_many_overrides: `Sudah ada ${MAX_ACTIVE_OVERRIDES} override aktif, batas terbanyak sekaligus. Cabut yang tidak diperlukan lagi, lalu coba lagi. Tidak ada yang diubah.`,
    store_unavailable: 'jaga tidak dapat menulis basis data statusnya (disknya penuh?), jadi tidak ada yang diubah. Kosongkan ruang di disk tempat data_dir, lalu coba lagi.',
  },
  silenceRefused: `Sudah ada ${MAX_ACTIVE_SILENCES} senyap yang berlaku atau terjadwal, batas terbanyak sekaligus. Akhiri yang tidak diperlukan lagi, lalu coba lagi. Tidak ada yang diubah.`,
  dataAtRisk: {
    backlogHeading: 'Antrean unggah (rekaman yang baru ada satu salinan)',
    heartbeatsHeading: 'Detak unggah',
    columns: {
      type: 'Jenis',
      items: 'Rekaman menunggu',
      bytes: 'Ukuran',
      oldest: 'Yang tertua menunggu sejak',
      lastRead: 'Angka dibaca pada',
      halts: 'Akibat',
      lastPing: 'Unggahan berhasil terakhir',
      grace: 'Tenggang',
      itemsSent: 'Terkirim pada unggahan terakhir',
    },
    count: (n) => n.toLocaleString('id-ID'),
    ago: (span) => `${span} lalu`,
    readable: 'dapat dibaca',
    notRead: 'belum dibaca',
    late: 'terlambat',
    onTime: 'tepat waktu',
    neverPinged: 'belum ada unggahan yang dilaporkan',
    halts: 'menghentikan perekaman',
    alertOnly: 'hanya peringatan',
  },
};
