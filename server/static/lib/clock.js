// The server's clock. A PC's own clock may be wrong by minutes; timers and clocks on screen follow
// the server's, from the `server_time` it sends with the state and the lists.

let offsetMs = 0;

/** Align with the server's time (an ISO string it sent); a missing or bad time changes nothing. */
export function syncClock(serverTime) {
  const at = Date.parse(serverTime || "");
  if (!Number.isNaN(at)) offsetMs = at - Date.now();
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

/** A clock element ticking each second in the office's time zone: "Selasa, 1 Desember 09.41". */
export function startClock(element, timeZone) {
  if (!element) return;
  const format = new Intl.DateTimeFormat("id-ID", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
  });
  const draw = () => {
    element.textContent = format.format(new Date(now()));
  };
  draw();
  setInterval(draw, 1000);
}
