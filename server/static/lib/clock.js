// The server's clock, and the one on-screen clock of every page. A PC's own clock may be wrong by
// minutes; clocks and timers on screen follow the server's, from the `server_time` it sends with
// the `state` snapshot (lib/socket.js passes it here) and with the staff pages' lists.
//
// This module is the only place that reads the PC's clock (Date.now): pages ask `now()`.
import { setText } from "./dom.js";
import { clockFormat, dateFormat, zoneName } from "./format.js";

let offsetMs = 0;
const redraws = new Set(); // the on-screen clocks, redrawn at once when the offset changes

/** Align with the server's time (an ISO string it sent); a missing or bad time changes nothing. */
export function syncClock(serverTime) {
  const at = Date.parse(serverTime || "");
  if (Number.isNaN(at)) return;
  offsetMs = at - Date.now();
  redraws.forEach((redraw) => redraw());
}

/** The server's time now, in milliseconds since the epoch. */
export function now() {
  return Date.now() + offsetMs;
}

/** Whole seconds from an ISO time until now (or until `until`, another ISO time); null without one. */
export function secondsSince(isoTime, until) {
  if (!isoTime) return null;
  const end = until ? Date.parse(until) : now();
  return Math.max(0, Math.floor((end - Date.parse(isoTime)) / 1000));
}

function formatsFor(timeZone) {
  const at = new Date(now());
  return {
    // Staff pages: "Selasa, 1 Desember pukul 09.41".
    long: new Intl.DateTimeFormat("id-ID", {
      timeZone,
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
    }),
    date: dateFormat(timeZone), // "Selasa, 1 Desember 2026"
    time: clockFormat(timeZone), // "09.41"
    zone: zoneName(timeZone, at), // "WIB"
  };
}

/**
 * An on-screen clock in the office's time zone, following the server's time, redrawn every
 * second (only what changed is written). `target` is one element (the staff pages' header:
 * date and time in one line) or `{date, time}` (kiosk and TV: "Selasa, 1 Desember 2026" and
 * "09.41 WIB"). `onMinute(date)` runs when the minute changes. Returns `{setTimezone(zone)}`.
 */
export function startClock(target, timeZone, { onMinute } = {}) {
  let formats = null;
  let minute = null;

  function draw() {
    if (!target || !formats) return;
    const at = new Date(now());
    if (target.nodeType) {
      setText(target, formats.long.format(at));
    } else {
      if (target.date) setText(target.date, formats.date.format(at));
      if (target.time) setText(target.time, `${formats.time.format(at)} ${formats.zone}`.trim());
    }
    const thisMinute = Math.floor(at.getTime() / 60000);
    if (minute !== null && thisMinute !== minute && onMinute) onMinute(at);
    minute = thisMinute;
  }

  function setTimezone(zone) {
    try {
      formats = formatsFor(zone || "Asia/Jakarta");
    } catch {
      return; // an unknown zone keeps the previous one
    }
    draw();
  }

  setTimezone(timeZone);
  redraws.add(draw);
  setInterval(draw, 1000);
  return { setTimezone };
}
