// Times, durations and numbers as the office reads them (id-ID), and the time-zone names visitors
// know (WIB, WITA, WIT).

/** The short names Indonesians use; Pontianak is on western time too. */
const ZONE_NAMES = {
  "Asia/Jakarta": "WIB",
  "Asia/Pontianak": "WIB",
  "Asia/Makassar": "WITA",
  "Asia/Jayapura": "WIT",
};

/**
 * The zone's short name: WIB/WITA/WIT in Indonesia, else the browser's (e.g. "GMT+7", or "CEST"
 * on a summer `at`, a Date), or "".
 */
export function zoneName(timeZone, at) {
  if (ZONE_NAMES[timeZone]) return ZONE_NAMES[timeZone];
  try {
    const part = new Intl.DateTimeFormat("id-ID", { timeZone, timeZoneName: "short" })
      .formatToParts(at)
      .find((item) => item.type === "timeZoneName");
    return part ? part.value : "";
  } catch {
    return ""; // an unknown zone: no name rather than a wrong one
  }
}

/** "09.41" in the office's time zone (24 hours). */
export function clockFormat(timeZone) {
  return new Intl.DateTimeFormat("id-ID", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

/** "Sabtu, 28 November 2026" in the office's time zone. */
export function dateFormat(timeZone) {
  return new Intl.DateTimeFormat("id-ID", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** A running timer: 4:05, 12:30, 1:02:03; "–" without a value. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** An average, in words: "12 mnt", "45 dtk"; "–" without a value. */
export function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 60) return `${Math.round(seconds)} dtk`;
  return `${Math.round(seconds / 60)} mnt`;
}

/** "ok", "warn" (at least 80 % of the standard) or "over" (at least 100 %). */
export function level(seconds, standardMinutes) {
  if (seconds === null || seconds === undefined || !standardMinutes) return "ok";
  const share = seconds / (standardMinutes * 60);
  if (share >= 1) return "over";
  if (share >= 0.8) return "warn";
  return "ok";
}

/** 1.664 and 12,5: a number as the office writes it. */
export function number(value, digits = 0) {
  return Number(value).toLocaleString("id-ID", { maximumFractionDigits: digits });
}
