// The admin page's Devices tab (admin_devices.html): list, approve a screen's code, enroll by
// hand (the token is shown once), withdraw.
import { api } from "./admin.js";
import { $ } from "./lib/dom.js";

const KINDS = { kiosk: "Kiosk", display: "Layar TV", tablet: "Tablet loket" };
const STATUS = { pending: "Menunggu persetujuan", active: "Terdaftar" };

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  return td;
}

function say(message) {
  const box = $("#device-token");
  box.textContent = message;
  box.hidden = false;
}

/** Say how many screens wait for approval; when the list is full, new screens are refused. */
function showPending(pending) {
  const box = $("#devices-pending");
  if (!pending || !pending.count) {
    box.hidden = true;
    return;
  }
  $("#devices-pending-text").textContent = pending.full
    ? `Daftar tunggu penuh: ${pending.count} layar menunggu persetujuan. Layar baru ditolak sampai ` +
      "Anda menyetujui kodenya atau mengosongkan daftar (layar yang asli cukup meminta lagi)."
    : `${pending.count} dari ${pending.limit} tempat di daftar tunggu terisi.`;
  box.hidden = false;
}

async function render() {
  const body = $("#devices-body");
  const { devices, pending } = await api("GET", "/api/admin/devices");
  showPending(pending);
  body.replaceChildren(
    ...devices.map((device) => {
      const row = document.createElement("tr");
      row.append(
        cell(device.name || "—"),
        cell(KINDS[device.kind]),
        cell(STATUS[device.status]),
        cell(device.code),
        cell(device.address),
      );
      const actions = document.createElement("td");
      if (device.status === "active") {
        const revoke = document.createElement("button");
        revoke.textContent = "Cabut";
        revoke.className = "button button-quiet";
        revoke.addEventListener("click", async () => {
          if (!window.confirm(`Cabut ${device.name}? Perangkat ini harus didaftarkan ulang.`)) return;
          await api("POST", `/api/admin/devices/${device.id}/revoke`).catch((error) => say(error.message));
          render();
        });
        actions.append(revoke);
      }
      row.append(actions);
      return row;
    }),
  );
}

function setUp() {
  const section = $("#tab-devices");
  if (!section) return;
  $("#devices-pending-clear").addEventListener("click", async () => {
    if (!window.confirm("Kosongkan daftar tunggu? Layar yang belum disetujui harus meminta kode lagi.")) return;
    await api("POST", "/api/admin/devices/pending/clear").catch((error) => say(error.message));
    render().catch((error) => say(error.message));
  });
  $('.admin-tabs button[data-tab="devices"]').addEventListener("click", () =>
    render().catch((error) => say(error.message)),
  );
  $("#device-approve").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const { device } = await api("POST", "/api/admin/devices/approve", {
        code: form.code.value.trim().toUpperCase(),
        name: form.name.value.trim(),
      });
      say(`${device.name} terdaftar.`);
      form.reset();
    } catch (error) {
      say(error.message);
    }
    render();
  });
  $("#device-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const { device, token } = await api("POST", "/api/admin/devices", {
        name: form.name.value.trim(),
        kind: form.kind.value,
      });
      say(`${device.name} terdaftar. Token (hanya ditampilkan sekali): ${token}`);
      form.reset();
    } catch (error) {
      say(error.message);
    }
    render();
  });
}

setUp();
