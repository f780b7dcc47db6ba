/* The visitor-facing words of the kiosk and the status page: one small catalog, Indonesian by
 * default, so another language is a second catalog rather than a rewrite. */

const CATALOGS = {
  id: {
    offline: "Tidak terhubung ke server. Mencoba lagi…",
    issue_failed: "Gagal mengambil nomor, silakan coba lagi",
    not_printed: "Tiket tidak tercetak — silakan catat/foto nomor Anda",
    printing: "Tiket sedang dicetak. Silakan ambil tiket Anda.",
    printed: "Silakan ambil tiket Anda.",
    no_printer: "Silakan catat/foto nomor Anda atau pindai kode QR.",
    waiting_none: "Belum ada antrian",
    waiting_some: "{n} orang menunggu",
    estimate_minutes: "± {n} menit",
    estimate_soon: "Segera dilayani",
    estimate_label: "Perkiraan tunggu",
    estimate_unknown: "—",
    closed: "Tutup",
    closed_default: "Layanan sedang ditutup.",
    people: "{n} orang",
    people_none: "Tidak ada",
    countdown: "({n})",
    time_at: "{time} {zone}",
    priority_with: "Prioritas · {label}",
    // The visitor's status page.
    status_waiting: "Menunggu dipanggil",
    status_called: "Silakan menuju",
    status_called_sub: "Nomor Anda sedang dipanggil.",
    status_serving: "Sedang dilayani di",
    status_done: "Pelayanan selesai",
    status_done_sub: "Terima kasih atas kunjungan Anda.",
    status_no_show: "Anda tidak hadir saat dipanggil",
    status_no_show_sub: "Silakan hubungi petugas di loket atau ambil nomor baru.",
    status_cancelled: "Nomor antrian ini dibatalkan",
    status_cancelled_sub: "Silakan hubungi petugas bila ada pertanyaan.",
    status_transferred: "Anda dialihkan ke layanan lain",
    status_transferred_sub: "Silakan tunggu panggilan berikutnya.",
    status_expired: "Nomor antrian ini sudah tidak berlaku",
    status_expired_sub: "Layanan hari itu telah ditutup. Silakan ambil nomor baru.",
    status_unfinished: "Pelayanan ditutup pada pergantian hari",
    status_unfinished_sub: "Bila urusan Anda belum selesai, silakan ambil nomor baru atau hubungi petugas.",
    status_counter_fallback: "loket",
    status_transferred_note: "Anda telah dialihkan ke layanan ini.",
    status_updated: "Diperbarui pukul {time}",
    status_title_called: "DIPANGGIL: {counter} · {number}",
    status_missing: "Nomor antrian tidak ditemukan.",
  },
};

const catalog = CATALOGS[(document.documentElement.lang || "id").slice(0, 2)] || CATALOGS.id;

/** The text for ``key`` with ``{name}`` placeholders filled from ``values``. */
export function t(key, values) {
  let text = catalog[key];
  if (text === undefined) text = CATALOGS.id[key];
  if (typeof text !== "string") return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    values && values[name] !== undefined && values[name] !== null ? String(values[name]) : whole,
  );
}

/** A ticket's or service's estimated wait as visitors read it: the server's words
 * ("Sekitar 20–30 menit", "Segera dilayani"), else the minutes. */
export function estimate(item) {
  if (item && item.estimate_text) return item.estimate_text;
  const minutes = item && item.estimate_minutes;
  if (minutes === null || minutes === undefined) return t("estimate_unknown");
  return minutes <= 0 ? t("estimate_soon") : t("estimate_minutes", { n: minutes });
}
