// Bahasa Indonesia for alert emails: titles, facts, next steps. Pure; the renderer only assembles these.
import type { AlertFacts, ContactChoice, EmailCatalogue, JagaProblem, StorageProblem } from './catalogue.js';
import type { AlertName } from '../core/alerts/types.js';
import type { CentralCause, TargetFailure, VolumeFailure } from '../core/types.js';

const causeMeaning: Record<CentralCause, string> = {
  central: 'server pusat tidak menjawab; jaringan kantor normal',
  uplink: 'jaringan kantor sendiri (uplink/ISP) terputus; server pusat mungkin normal',
  dns: 'DNS gagal: nama server pusat tidak dapat diterjemahkan menjadi alamat',
};

const failureText: Record<TargetFailure, string> = {
  timeout: 'tidak menjawab dalam batas waktu',
  refused: 'koneksi ditolak',
  reset: 'koneksi terputus di tengah jalan',
  dns: 'nama server tidak ditemukan (DNS)',
  tls: 'koneksi aman gagal (TLS/sertifikat)',
  status: 'server menjawab dengan kode galat',
  body: 'jawaban server tidak sesuai',
  latency: 'jawaban terlalu lambat',
  unreachable: 'jaringan tidak dapat dijangkau',
  error: 'galat lain',
};

const whom: Record<ContactChoice['role'], string> = {
  central: 'pengelola server pusat',
  uplink: 'penyedia jaringan kantor (ISP)',
  dns: 'pengelola DNS',
  local_it: 'TI setempat',
};

const call = (c: ContactChoice) =>
  c.contact === null ? `Hubungi ${whom[c.role]} (kontak belum diatur di konfigurasi jaga).` : `Hubungi ${whom[c.role]}: ${c.contact}.`;

const freeUp = 'pindahkan atau arsipkan rekaman yang sudah terkirim ke pusat';

const storageProblemText: Record<StorageProblem, string> = {
  STORAGE_CRITICAL: 'melewati batas henti',
  STORAGE_FLOOR: 'melewati batas aman; izin manual tidak dapat membuka perekaman',
  INODES_CRITICAL: 'jatah jumlah berkas (inode) hampir habis',
  VOLUME_UNAVAILABLE: 'tidak dapat dipakai',
};

const volumeFailureText: Record<VolumeFailure, string> = {
  statfs_error: 'ukuran disk tidak dapat dibaca',
  statfs_timeout: 'disk tidak menjawab (mungkin disk jaringan macet)',
  not_mounted: 'disk tidak terpasang (mount hilang)',
  write_failed: 'disk tidak dapat ditulisi (mungkin hanya-baca)',
};

const jagaProblemText: Record<JagaProblem, string> = {
  store: 'basis data jaga gagal menulis',
  outbox: 'email tertahan di antrean',
  delivery: 'ada email yang gagal terkirim',
  probes: 'pemeriksaan terlambat, data tidak baru',
};

const jagaProblem = (p: string) => (Object.hasOwn(jagaProblemText, p) ? jagaProblemText[p as JagaProblem] : p);

function facts(_name: AlertName, f: AlertFacts): string[] {
  const lines: string[] = [];
  const add = (value: unknown, line: () => string) => {
    if (value !== undefined) lines.push(line());
  };
  add(f.volume, () => `Penyimpanan: ${f.volume}`);
  add(f.storageProblems, () => `Keadaan: ${(f.storageProblems ?? []).map((p) => storageProblemText[p]).join('; ')}`);
  add(f.volumeFailure, () => `Masalah disk: ${volumeFailureText[f.volumeFailure ?? 'statfs_error']}`);
  add(f.free, () => `Sisa ruang: ${f.free}${f.size === undefined ? '' : ` dari ${f.size}`}`);
  add(f.used, () => `Terpakai: ${f.used}${f.threshold === undefined ? '' : ` (batas ${f.threshold})`}`);
  add(f.filesUsed, () => `Jumlah berkas (inode) terpakai: ${f.filesUsed}`);
  add(f.eta, () => `Penuh dalam: ± ${f.eta}${f.fullAt === undefined ? '' : ` (sekitar ${f.fullAt})`}`);
  add(f.ratePerHour, () => `Laju pengisian: ${f.ratePerHour} per jam`);
  add(f.cause, () => `Penyebab: ${causeMeaning[f.cause ?? 'central']}`);
  add(f.failure, () => `Jenis kegagalan: ${failureText[f.failure ?? 'error']}`);
  add(f.downTargets, () => `Target gagal: ${f.downTargets}`);
  add(f.lastSuccess, () => `Terakhir berhasil: ${f.lastSuccess ?? 'belum pernah sejak jaga mulai'}`);
  add(f.target, () => `Target: ${f.target}`);
  add(f.latency, () => `Waktu tanggap: ${f.latency}${f.latencyLimit === undefined ? '' : ` (batas ${f.latencyLimit})`}`);
  add(f.jagaProblems, () => `Masalah: ${(f.jagaProblems ?? []).map(jagaProblem).join('; ')}`);
  add(f.outboxAge, () => `Email tertua di antrean: ${f.outboxAge}`);
  add(f.givenUp, () => `Email gagal terkirim (24 jam terakhir): ${f.givenUp}`);
  add(f.overrideBy, () => `Dihentikan manual oleh ${f.overrideBy}`);
  return lines;
}

function nextStep(name: AlertName, f: AlertFacts, contact: ContactChoice): string {
  switch (name) {
    case 'RecordingHalted':
      return 'Hentikan perekaman KTP-el. Terbitkan surat keterangan pengganti sementara (berlaku sama) kepada warga sampai perekaman dibuka kembali. jaga akan mengabari saat perekaman boleh dilanjutkan.';
    case 'CentralUnreachable': {
      const first = {
        central: 'Masalah ada di server pusat, bukan di kantor.',
        uplink: 'Periksa router dan kabel jaringan kantor.',
        dns: 'Periksa pengaturan DNS kantor.',
      }[f.cause ?? 'uplink'];
      return `${f.cause === undefined ? 'Periksa jaringan kantor.' : first} ${call(contact)}`;
    }
    case 'CentralSlow':
      return `Perekaman masih dapat berjalan, tetapi pengiriman ke pusat lambat. Bila berlanjut: ${call(contact)}`;
    case 'StorageCritical':
      return f.storageProblems?.includes('VOLUME_UNAVAILABLE') === true
        ? `Periksa disk penyimpanan di server lokal: harus terpasang (mount) dan dapat ditulisi. ${call(contact)}`
        : `Kosongkan ruang di server lokal sekarang: ${freeUp}. ${call(contact)}`;
    case 'StorageFillingUp':
      return `Kosongkan ruang sebelum penuh${f.eta === undefined ? '' : ` (± ${f.eta} lagi)`}: ${freeUp}. ${call(contact)}`;
    case 'StorageWarning':
      return `Rencanakan pengosongan ruang hari ini: ${freeUp}. ${call(contact)}`;
    case 'JagaDegraded':
      return `Periksa jaga sendiri (layanan, disk data, pengiriman email): status dan peringatan bisa terlambat. ${call(contact)}`;
  }
}

export const idEmail: EmailCatalogue = {
  clock: { months: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'], separator: '.' },
  durationWords: { d: 'hari', h: 'jam', m: 'menit', s: 'detik' },
  severityWord: { critical: 'KRITIS', warning: 'PERINGATAN', info: 'INFO' },
  resolvedWord: 'PULIH',
  reminder: '(pengingat)',
  more: (count) => `+${count} lainnya`,
  title: {
    RecordingHalted: 'Perekaman KTP-el dihentikan',
    CentralUnreachable: 'Server pusat tidak dapat dihubungi',
    CentralSlow: 'Server pusat lambat',
    StorageWarning: 'Penyimpanan mulai penuh',
    StorageCritical: 'Penyimpanan hampir penuh',
    StorageFillingUp: 'Penyimpanan cepat terisi',
    JagaDegraded: 'Pemantau jaga bermasalah',
  },
  resolvedTitle: {
    RecordingHalted: 'Perekaman dapat dilanjutkan',
    CentralUnreachable: 'Server pusat terhubung kembali',
    CentralSlow: 'Server pusat kembali normal',
    StorageWarning: 'Penyimpanan kembali lega',
    StorageCritical: 'Penyimpanan tidak lagi kritis',
    StorageFillingUp: 'Pengisian penyimpanan kembali normal',
    JagaDegraded: 'Pemantau jaga normal kembali',
  },
  greeting: (name) => `Yth. ${name},`,
  goodNews: {
    allowed: 'Kabar baik: Perekaman dapat dilanjutkan.',
    halted: 'Sebagian masalah sudah pulih, tetapi perekaman KTP-el MASIH DIHENTIKAN.',
  },
  repeatNote: 'Pengingat: keadaan ini masih berlangsung.',
  gateHeadline: { allowed: 'PEREKAMAN KTP-el BOLEH BERJALAN', halted: 'PEREKAMAN KTP-el DIHENTIKAN' },
  since: (when, ago) => `sejak ${when} (${ago === null ? 'baru saja' : `${ago} lalu`})`,
  reasonsHeading: 'Penyebab:',
  overriddenHeading: 'Dikesampingkan oleh izin manual:',
  moreReasons: (count) => `… dan ${count} penyebab lain`,
  override: (o) =>
    o.action === 'halt'
      ? `Dihentikan manual oleh ${o.by}: "${o.reason}"${o.until === null ? '' : ` (sampai ${o.until})`}`
      : `Dibuka manual oleh ${o.by} sampai ${o.until ?? '?'}: "${o.reason}". Batas aman penyimpanan tetap berlaku.`,
  facts,
  nextStepLabel: 'Yang harus dilakukan:',
  nextStep,
  resolvedHeading: 'Sudah pulih:',
  resolvedLine: (title, at, lasted) => `${title}: pulih ${at}, berlangsung ${lasted}`,
  footer: {
    site: (site) => `Kantor: ${site}`,
    statusPage: 'Halaman status:',
    times: (zone, timeZone) => `Waktu dalam ${zone} (${timeZone}).`,
    automatic: 'Pesan ini dikirim otomatis oleh jaga, pemantau perekaman KTP-el. Mohon tidak dibalas.',
  },
  test: {
    subject: 'Email uji',
    lines: (site, sentAt) => [
      `Ini email uji dari jaga di kantor ${site}, dikirim ${sentAt}.`,
      'Bila Anda menerima pesan ini, peringatan jaga akan sampai kepada Anda.',
      'Tidak ada yang perlu dilakukan.',
    ],
  },
};
