// The PC's state on the kiosk and the staff pages: a red bar while the computer's clock is wrong
// (the server then refuses numbers and other queue changes) and, for signed-in staff, while the
// disk is nearly full. It follows the page's own Socket.IO connection (lib/socket.js tells it of
// every socket the page opens): it asks again on `connect` and on `system_status` — no second
// connection, no polling.

import { api } from "./lib/api.js";
import { showLines } from "./lib/dom.js";
import { onEverySocket } from "./lib/socket.js";

const STATUS_URL = "/api/system/status";
let bar = null;

function ensureBar() {
  if (bar) return bar;
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = "/assets/common/system.css";
  document.head.appendChild(style);
  bar = document.createElement("div");
  bar.className = "system-banner";
  bar.setAttribute("role", "alert");
  bar.dataset.systemBanner = "";
  bar.hidden = true;
  document.body.prepend(bar);
  return bar;
}

function render(status) {
  const messages = [];
  if (status && status.clock && !status.clock.ok) messages.push(status.clock.message);
  if (status && status.disk && !status.disk.ok) messages.push(status.disk.message);
  const banner = ensureBar();
  showLines(banner, messages);
  document.documentElement.classList.toggle("system-wrong", messages.length > 0);
  // Full-height pages (kiosk, officer console) give the bar its room (system.css).
  document.documentElement.style.setProperty("--system-banner", banner.hidden ? "0px" : banner.offsetHeight + "px");
  document.dispatchEvent(new CustomEvent("loket:system-status", { detail: status }));
}

/** Ask the server for the PC's state again and redraw the bar. */
export async function refresh() {
  try {
    render(await api("GET", STATUS_URL, undefined, { cache: "no-store" }));
  } catch {
    // Offline: the page's own banner says so; keep the last known state.
  }
}

onEverySocket((socket) => {
  socket.on("connect", refresh);
  socket.on("system_status", refresh);
});
refresh();
