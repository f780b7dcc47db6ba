// Enrollment of a kiosk or TV: an unenrolled screen asks the server for a code, shows it, and
// reloads once an admin has approved the code on the admin page (Perangkat). The page says which
// kind of device it is in its script tag's data-device-kind.

import { api } from "./lib/api.js";
import { $ } from "./lib/dom.js";

const POLL_MS = 5000;
const script = $("script[data-device-kind]");
const kind = script && script.dataset.deviceKind;

function panel() {
  let box = $("#enroll-panel");
  if (box) return box;
  box = document.createElement("div");
  box.id = "enroll-panel";
  box.className = "enroll-panel";
  box.setAttribute("role", "dialog");
  box.innerHTML =
    "<h2>Perangkat belum terdaftar</h2>" +
    "<p>Minta admin membuka halaman <strong>Admin › Perangkat</strong> dan memasukkan kode ini:</p>" +
    '<p class="enroll-code" data-enroll-code></p>' +
    '<p class="enroll-note" data-enroll-note>Halaman ini terbuka sendiri setelah disetujui.</p>';
  document.body.appendChild(box);
  return box;
}

function show(code) {
  $("[data-enroll-code]", panel()).textContent = code;
  document.body.classList.add("is-unenrolled");
}

async function check() {
  try {
    const data = await api("GET", "/api/devices/me");
    if (data.device) {
      if (document.body.classList.contains("is-unenrolled")) window.location.reload();
      return;
    }
    const made = data.pending ? data : await api("POST", "/api/devices/enroll", { kind });
    show(made.pending.code);
    window.setTimeout(check, POLL_MS);
  } catch (error) {
    const note = $("[data-enroll-note]");
    if (note) note.textContent = error.message;
    window.setTimeout(check, POLL_MS * 3);
  }
}

if (kind) check();
