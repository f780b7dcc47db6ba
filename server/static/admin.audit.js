// Admin section: the audit log in the office's words — what was done, to what, and which
// values changed (before → after), instead of raw JSON.
import * as A from "./admin.js";
import { $, element } from "./lib/dom.js";

const ACTIONS = {
  add_service: "Menambah layanan",
  update_service: "Mengubah layanan",
  retire_service: "Mengistirahatkan layanan",
  restore_service: "Mengaktifkan kembali layanan",
  add_counter: "Menambah loket",
  update_counter: "Mengubah loket",
  delete_counter: "Menghapus loket",
  add_user: "Menambah pengguna",
  update_user: "Mengubah pengguna",
  upload_logo: "Mengunggah logo",
  upload_media: "Mengunggah media layar TV",
  delete_media: "Menghapus media layar TV",
  update_office: "Mengubah profil kantor",
  update_queue: "Mengubah aturan antrian",
  update_printer: "Mengubah printer",
  update_voice: "Mengubah suara",
  update_display: "Mengubah layar TV",
  update_security: "Mengubah keamanan",
  update_survey: "Mengubah survei",
};
const FIELDS = {
  name: "nama",
  short_name: "nama singkat",
  description: "keterangan",
  standard_wait_minutes: "standar tunggu (menit)",
  standard_service_minutes: "standar layanan (menit)",
  daily_quota: "kuota/hari",
  enabled: "buka di kiosk",
  hours: "jam",
  days: "hari buka",
  services: "layanan",
  running_text: "teks berjalan",
  head_name: "kepala kantor",
  head_nip: "NIP kepala kantor",
  role: "peran",
  counters: "loket",
  active: "aktif",
  full_name: "nama lengkap",
  nip: "NIP",
  password_reset: "kata sandi diganti",
  media: "media",
  slide_seconds: "detik per gambar",
  template: "kalimat pengumuman",
  number_reading: "cara membaca nomor",
  output: "diputar di",
  kind: "jenis printer",
  host: "alamat IP",
  port: "port",
  path: "berkas/perangkat",
  width_mm: "lebar kertas",
  mode: "bentuk survei",
  retired: "diistirahatkan",
  code: "kode",
  id: "nomor",
  username: "nama pengguna",
  width: "lebar",
  height: "tinggi",
};
const DAYS = { mon: "Sen", tue: "Sel", wed: "Rab", thu: "Kam", fri: "Jum", sat: "Sab", sun: "Min" };
const ROLES = { officer: "petugas", supervisor: "supervisor", admin: "admin" };

function shown(key, value) {
  if (value === undefined || value === null || value === "") return "–";
  if (typeof value === "boolean") return value ? "ya" : "tidak";
  if (key === "days" && Array.isArray(value)) return value.map((day) => DAYS[day] || day).join(", ");
  if (key === "role") return ROLES[value] || value;
  if (Array.isArray(value)) return value.length ? value.join(", ") : "–";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** "nama: Haji → Haji & Umrah" lines for the keys whose values differ. */
function changes(before, after) {
  const old = before || {};
  const now = after || {};
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])]
    .filter((key) => !["created_at", "password_hash", "code", "id", "username"].includes(key))
    .filter((key) => JSON.stringify(old[key]) !== JSON.stringify(now[key]))
    .filter((key) => !(key === "password_reset" && !now[key]));
  if (!before && after) return keys.map((key) => (FIELDS[key] || key) + ": " + shown(key, now[key]));
  if (before && !after) return ["dihapus"];
  return keys.map((key) => (FIELDS[key] || key) + ": " + shown(key, old[key]) + " → " + shown(key, now[key]));
}

async function load() {
  const data = await A.api("GET", "/api/admin/audit?limit=200").catch(() => ({ entries: [] }));
  // The office's clock, whatever the admin's browser is set to.
  const timeZone = $("#office-name").dataset.timezone || undefined;
  const time = new Intl.DateTimeFormat("id-ID", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  $("#audit-body").replaceChildren(
    ...data.entries.map((entry) => {
      const lines = changes(entry.before, entry.after);
      return element("tr", {}, [
        element("td", { text: time.format(new Date(entry.at)) }),
        element("td", { text: entry.username }),
        element("td", {
          text:
            (ACTIONS[entry.action] || entry.action) +
            (entry.target && entry.action !== "update_" + entry.target ? " " + entry.target : ""),
        }),
        element("td", {}, [
          element(
            "ul",
            { className: "changes" },
            (lines.length ? lines : ["tidak ada perubahan"]).map((line) => element("li", { text: line })),
          ),
        ]),
      ]);
    }),
  );
}

A.section("audit", { show: load });
