// Bahasa Indonesia for alert emails: titles, facts, next steps. Pure; the renderer only assembles these.
import type { AlertFacts, BacklogLimitName, ContactChoice, EmailCatalogue, JagaProblem, StorageProblem } from './catalogue.js';
import type { AlertName } from '../core/alerts/types.js';
import { idForecast } from './id-forecast.js';
import type { BacklogFailure, CentralCause, TargetFailure, VolumeFailure } from '../core/types.js';

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

const call = (c: ContactChoice): string => {
  const first = c.contact === null ? `Hubungi ${whom[c.role]} (kontak belum diatur di konfigurasi jaga).` : `Hubungi ${whom[c.role]}: ${c.contact}.`;
  const next = c.escalation;
  if (next === undefined) return first;
  return `${first} Bila aplikasinya berjalan tetapi kiriman tetap gagal, hubungi ${whom[next.role]}${next.contact === null ? '' : `: ${next.contact}`}.`;
};

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

const backlogFailureText: Record<BacklogFailure, string> = {
  timeout: 'tidak menjawab dalam batas waktu',
  unreadable: 'tidak dapat dibaca (folder hilang, tanpa izin, atau aplikasi tidak menjawab)',
  too_many_files: 'terlalu banyak berkas untuk dihitung (max_files)',
  bad_output: 'jawabannya tidak dapat dipahami',
  failed: 'gagal dijalankan',
};

const limitText = (l: { readonly name: BacklogLimitName; readonly value: string }): string => {
  const kind = l.name.startsWith('warn_') ? 'Batas peringatan' : 'Batas henti';
  if (l.name.endsWith('_items')) return `${kind}: ${l.value} rekaman`;
  if (l.name.endsWith('_bytes')) return `${kind}: ${l.value}`;
  return `${kind}: rekaman tertua menunggu ${l.value}`;
};

/** Keep what exists: the recordings waiting are the only copy there is. */
const keep = 'Simpan semua rekaman; jangan hapus rekaman maupun folder antrean (spool): sebagian belum ada salinannya di pusat.';

const uploadText = (u: AlertFacts['lastUpload']): string =>
  u === null || u === undefined ? 'belum ada unggahan berhasil yang tercatat' : `unggahan terakhir berhasil ${u.ago === null ? u.at : `${u.ago} lalu`}`;

/** "12.345 rekaman belum terkirim ke pusat, yang tertua sejak Senin 08.12 WIB" */
const waiting = (f: AlertFacts): string =>
  `${f.items ?? 'Sejumlah'} rekaman belum terkirim ke pusat${f.oldest === undefined ? '' : `, yang tertua sejak ${f.oldest}`}`;

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function summary(name: AlertName, f: AlertFacts): string | null {
  switch (name) {
    case 'BacklogWarning':
    case 'BacklogCritical': {
      if (f.unreadable === true) {
        const known = f.items === undefined ? '' : `; terakhir terbaca ${f.items} rekaman`;
        return `jaga tidak dapat membaca berapa rekaman yang belum terkirim ke pusat, dan kantor ini diatur untuk berhenti merekam bila begitu${known}.`;
      }
      return `${waiting(f)}${f.lastUpload === undefined ? '' : `; ${uploadText(f.lastUpload)}`}.`;
    }
    case 'UploadStalled':
      return f.items === undefined ? `${capitalize(uploadText(f.lastUpload))}.` : `${waiting(f)}; ${uploadText(f.lastUpload)}.`;
    case 'BacklogSourceUnavailable': {
      const known = f.items === undefined ? '' : `; terakhir terbaca ${f.items} rekaman${f.lastRead === undefined ? '' : ` (${f.lastRead})`}`;
      return `jaga tidak dapat membaca antrean unggah, jadi tidak tahu berapa rekaman yang belum terkirim ke pusat${known}.`;
    }
    case 'HaltForecast':
      return f.forecast === undefined ? null : `${capitalize(idForecast.withWhy(idForecast.halt(f.forecast.when, f.forecast.left), idForecast.why(f.forecast.reason, f.forecast.subject)))}.`;
    case 'CentralUnreachable': {
      if (f.buffering === undefined) return null;
      const ends = f.buffering.ends;
      const end =
        ends === null
          ? 'Ruang disk kantor masih cukup; belum terlihat kapan perekaman harus dihentikan.'
          : `Bila server pusat belum kembali, perekaman harus dihentikan ${ends.when}, ${ends.left}.`;
      return `Perekaman tetap berjalan: rekaman disimpan di disk kantor dan dikirim ke pusat setelah server pusat terhubung kembali. ${end}`;
    }
    default:
      return null;
  }
}

const jagaProblem = (p: string) => (Object.hasOwn(jagaProblemText, p) ? jagaProblemText[p as JagaProblem] : p);

function facts(_name: AlertName, f: AlertFacts): string[] {
  const lines: string[] = [];
  const add = (value: unknown, line: () => string) => {
    if (value !== undefined) lines.push(line());
  };
  add(f.volume, () => `Penyimpanan: ${f.volume}`);
  if (f.forecast?.model) lines.push(`Model perkiraan: ${idForecast.model[f.forecast.model]}`);
  if (f.buffering) lines.push(`Perekaman di disk kantor (mode penyangga) sejak ${f.buffering.since}`);
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
  add(f.source, () => `Antrean unggah: ${f.source}`);
  add(f.heartbeat, () => `Sinyal unggah (heartbeat): ${f.heartbeat}`);
  add(f.backlogFailure, () => `Masalah: ${backlogFailureText[f.backlogFailure ?? 'failed']}`);
  add(f.detail, () => `Keterangan: ${f.detail}`);
  add(f.waitingSize, () => `Ukuran yang menunggu: ${f.waitingSize}`);
  add(f.oldestAge, () => `Rekaman tertua menunggu: ${f.oldestAge}`);
  add(f.backlogLimit, () => limitText(f.backlogLimit ?? { name: 'halt_items', value: '?' }));
  add(f.grace, () => `Tenggang: ${f.grace} tanpa unggahan berhasil`);
  add(f.halts, () => (f.halts === true ? 'Unggahan macet menghentikan perekaman di kantor ini.' : 'Unggahan macet tidak menghentikan perekaman di kantor ini; hanya peringatan.'));
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
      const buffering = f.buffering === undefined ? '' : 'Perekaman boleh berjalan terus; jangan hapus rekaman di disk kantor. ';
      return `${buffering}${f.cause === undefined ? 'Periksa jaringan kantor.' : first} ${call(contact)}`;
    }
    case 'HaltForecast': {
      const before = f.forecast === undefined ? '' : `, sebelum ${f.forecast.when}`;
      const fix =
        f.forecast?.reason === 'CENTRAL_UNREACHABLE'
          ? 'usahakan server pusat terhubung kembali agar rekaman terkirim'
          : `kosongkan ruang (${freeUp}) atau pastikan unggahan ke pusat berjalan`;
      return `Rencanakan sekarang${before}: siapkan blangko surat keterangan pengganti sementara, beri tahu warga lebih awal, dan ${fix}. ${call(contact)}`;
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
    case 'BacklogWarning':
      return `Hari ini, periksa aplikasi pengunggah dan layanan sinkronisasi: apakah berjalan dan mengirim ke pusat. ${keep} ${call(contact)}`;
    case 'BacklogCritical':
      return f.unreadable === true
        ? `Periksa sumber antrean di server lokal (folder spool, aplikasi sinkronisasi, atau perintah yang dibaca jaga). ${keep} ${call(contact)}`
        : `Periksa sekarang aplikasi pengunggah dan layanan sinkronisasi: apakah berjalan dan dapat mengirim ke pusat. ${keep} ${call(contact)}`;
    case 'UploadStalled':
      return `Periksa aplikasi pengunggah di komputer perekaman dan layanan sinkronisasi: apakah berjalan, dan apa pesan galatnya. ${keep} ${call(contact)}`;
    case 'BacklogSourceUnavailable':
      return `Periksa yang dibaca jaga untuk antrean ini di server lokal (folder spool, aplikasi sinkronisasi, atau perintahnya). Jangan hapus folder antrean. ${call(contact)}`;
  }
}

export const idEmail: EmailCatalogue = {
  clock: { months: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'], separator: '.' },
  durationWords: { d: 'hari', h: 'jam', m: 'menit', s: 'detik' },
  numberLocale: 'id-ID',
  weekdays: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
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
    HaltForecast: 'Perekaman diperkirakan harus dihentikan',
    BacklogWarning: 'Rekaman menumpuk belum terkirim',
    BacklogCritical: 'Terlalu banyak rekaman belum terkirim',
    UploadStalled: 'Unggahan ke pusat macet',
    BacklogSourceUnavailable: 'Antrean unggah tidak terbaca',
    JagaDegraded: 'Pemantau jaga bermasalah',
  },
  resolvedTitle: {
    RecordingHalted: 'Perekaman dapat dilanjutkan',
    CentralUnreachable: 'Server pusat terhubung kembali',
    CentralSlow: 'Server pusat kembali normal',
    StorageWarning: 'Penyimpanan kembali lega',
    StorageCritical: 'Penyimpanan tidak lagi kritis',
    StorageFillingUp: 'Pengisian penyimpanan kembali normal',
    HaltForecast: 'Perkiraan henti tidak lagi dekat',
    BacklogWarning: 'Antrean rekaman kembali normal',
    BacklogCritical: 'Antrean rekaman tidak lagi kritis',
    UploadStalled: 'Unggahan ke pusat berjalan lagi',
    BacklogSourceUnavailable: 'Antrean unggah terbaca kembali',
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
  summary,
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
