// Bahasa Indonesia for the public status page and its Atom feed: warm, plain words for citizens in
// the queue; never a host name, number or error text. Pure.
import type { PageCatalogue } from './catalogue.js';

export const idPage: PageCatalogue = {
  headline: { allowed: 'PEREKAMAN KTP-el DIBUKA', halted: 'PEREKAMAN KTP-el DIHENTIKAN SEMENTARA' },
  subline: {
    allowed: 'Silakan mengantre seperti biasa.',
    halted: 'Mohon maaf atas ketidaknyamanannya. Anda tetap dilayani.',
  },
  since: (when) => `sejak ${when}`,
  reasonHeading: 'Penyebab',
  reason: {
    STARTING: 'sistem sedang dimulai',
    CENTRAL_UNREACHABLE: 'gangguan jaringan ke server pusat',
    STORAGE_CRITICAL: 'kapasitas penyimpanan server penuh',
    STORAGE_FLOOR: 'kapasitas penyimpanan server penuh',
    STORAGE_FILLING: 'kapasitas penyimpanan server penuh',
    INODES_CRITICAL: 'kapasitas penyimpanan server penuh',
    VOLUME_UNAVAILABLE: 'gangguan pada server penyimpanan',
    BACKLOG_CRITICAL: 'data rekaman belum terkirim ke server pusat',
    UPLOAD_STALLED: 'pengiriman data ke server pusat terhenti',
    PROBES_STALE: 'pemeriksaan sistem tertunda',
    MANUAL_HALT: 'dihentikan sementara oleh petugas',
  },
  unknownReason: 'gangguan sistem',
  reopening: (when) => `Gangguan sudah teratasi. Perekaman dibuka kembali sekitar pukul ${when}.`,
  noticeHeading: 'Informasi dari kantor',
  buffering:
    'Perekaman tetap berjalan seperti biasa. Sambungan ke server pusat sedang terganggu; data rekaman Anda tersimpan aman di kantor ini dan dikirim ke server pusat setelah sambungan pulih.',
  noticeHalted:
    'Selama perekaman dihentikan, petugas menerbitkan surat keterangan pengganti sementara. ' +
    'Surat ini berlaku sama dan sah untuk semua keperluan Anda. Perekaman KTP-el dapat dilanjutkan ' +
    'setelah sistem kembali normal.',
  lastCheck: (when) => `Pemeriksaan terakhir: ${when}`,
  refreshNote: (seconds) => `Halaman ini diperbarui sendiri setiap ${seconds} detik.`,
  otherLanguage: { language: 'en', label: 'English' },
  feedLink: 'Kabar perubahan (Atom)',
  feed: {
    title: (office) => `${office}: status perekaman KTP-el`,
    subtitle: 'Kabar kapan perekaman KTP-el dihentikan sementara dan dibuka kembali.',
    opened: 'Perekaman KTP-el dibuka',
    resumed: 'Perekaman KTP-el dibuka kembali',
    halted: (reasons) => (reasons === null ? 'Perekaman KTP-el dihentikan sementara' : `Perekaman KTP-el dihentikan sementara: ${reasons}`),
    openedAt: (when) => `Perekaman KTP-el dibuka kembali pada ${when}. Silakan datang untuk perekaman.`,
    haltedAt: (when) => `Perekaman KTP-el dihentikan sementara pada ${when}.`,
    reasonLine: (reasons) => `Penyebab: ${reasons}.`,
  },
};
