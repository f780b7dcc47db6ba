// The "Sistem" tab of /admin: the clock guard, backups, free disk space and the latest errors.
// Warnings (a wrong clock, a failed or missing backup, a nearly full disk) are also shown in red
// above every tab, so the admin sees them without looking for them.
import { api } from "./admin.js";
import { showLines, $ } from "./lib/dom.js";
import { refresh } from "./system.js";

const section = $("[data-system]");
if (section) startSystemTab(section);

function startSystemTab(section) {
  const timezone = section.dataset.timezone || "Asia/Jakarta";

  function when(iso) {
    if (!iso) return "belum pernah";
    return new Date(iso).toLocaleString("id-ID", {
      timeZone: timezone,
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function line(element, text, bad) {
    element.textContent = text;
    element.classList.toggle("system-bad", Boolean(bad));
    element.classList.toggle("system-ok", !bad);
  }

  function alertBox() {
    let box = $("#system-alert");
    if (!box) {
      box = document.createElement("div");
      box.id = "system-alert";
      box.className = "system-alert";
      box.setAttribute("role", "alert");
      const main = $(".admin-main");
      main.parentNode.insertBefore(box, main);
    }
    return box;
  }

  function render(data) {
    const clock = data.clock;
    line(
      $("#system-clock"),
      clock.ok
        ? `Jam komputer benar (${when(clock.now)}). Toleransi mundur ${clock.tolerance_minutes} menit.`
        : clock.message,
      !clock.ok,
    );
    $("#clock-confirm").hidden = clock.ok;

    const backup = data.backup;
    let text =
      `Cadangan terakhir: ${when(backup.last_backup)} · ${backup.copies} salinan disimpan ` +
      `(paling banyak ${backup.keep}) di ${backup.folder}.`;
    if (backup.warning) text = `${backup.warning} ${text}`;
    line($("#system-backup"), text, Boolean(backup.warning));

    const disk = data.disk;
    line(
      $("#system-disk"),
      disk.low
        ? disk.message
        : `Sisa ruang disk ${disk.free_mb} MB dari ${disk.total_mb} MB (peringatan di bawah ${disk.min_free_mb} MB).`,
      disk.low,
    );

    $("#system-log").textContent = `Catatan lengkap ada di berkas ${data.log_file}.`;
    const body = $("#system-errors");
    body.replaceChildren();
    if (!data.errors.length) {
      const row = body.insertRow();
      const cell = row.insertCell();
      cell.colSpan = 3;
      cell.textContent = "Tidak ada kesalahan sejak server dinyalakan.";
    }
    for (const error of data.errors) {
      const row = body.insertRow();
      row.insertCell().textContent = when(error.at);
      row.insertCell().textContent = error.summary;
      const detail = row.insertCell();
      detail.textContent = error.detail;
      detail.className = "system-detail";
    }

    // The clock and the disk are already in the red bar on top of every page (system.js).
    const warnings = backup.warning ? [backup.warning] : [];
    showLines(alertBox(), warnings);
    const tab = $('.admin-tabs button[data-tab="system"]');
    if (tab) tab.classList.toggle("has-warning", !clock.ok || disk.low || Boolean(backup.warning));
  }

  async function load() {
    try {
      render(await api("GET", "/api/admin/system"));
    } catch (error) {
      line($("#system-clock"), error.message, true);
    }
  }

  $("#clock-confirm").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!event.target.confirm.checked) return;
    if (!window.confirm("Pastikan jam dan tanggal di pojok layar komputer ini sudah benar. Lanjutkan?")) return;
    try {
      await api("POST", "/api/admin/clock/confirm", { confirm: true });
      event.target.reset();
    } catch (error) {
      window.alert(error.message);
    }
    load();
    refresh();
  });

  $("#backup-now").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await api("POST", "/api/admin/backup");
    } catch (error) {
      window.alert(error.message);
    } finally {
      event.target.disabled = false;
    }
    load();
  });

  const tab = $('.admin-tabs button[data-tab="system"]');
  if (tab) tab.addEventListener("click", load);
  // The server pushes `system_status` when the clock, the disk or a backup changes (system.js).
  document.addEventListener("loket:system-status", load);
  load();
}
