/* The ticket at the console's counter: which of two answers about it is the newer one, and its
   three timers (its wait, since the call, its service) against the service's standards. */

import { secondsSince } from "./lib/clock.js";
import { duration, level } from "./lib/format.js";
import { $ } from "./lib/dom.js";

const CLOSED = 3;

function version(ticket) {
  const rank = ticket.status === "called" ? 1 : ticket.status === "serving" ? 2 : CLOSED;
  return [ticket.call_count || 0, ticket.skip_count || 0, rank];
}

/** Each ticket's latest known version, so a late push never undoes a newer answer. */
export class Versions {
  constructor() {
    this.known = new Map(); // ticket id -> [calls, skips, rank]
  }

  /** Remember a ticket's version; false when we already know a newer one. */
  fresh(ticket) {
    const next = version(ticket);
    const known = this.known.get(ticket.id);
    if (known) {
      for (let i = 0; i < next.length; i += 1) {
        if (next[i] !== known[i]) {
          if (next[i] < known[i]) return false;
          break;
        }
      }
    }
    this.known.set(ticket.id, next);
    return true;
  }

  /** Take the server's word for a ticket, whatever we knew. */
  remember(ticket) {
    this.known.set(ticket.id, version(ticket));
  }

  /** The ticket has left the counter: older pushes about it must not bring it back. */
  close(ticket) {
    const [calls, skips] = version(ticket);
    this.known.set(ticket.id, [calls, skips, CLOSED]);
  }
}

const standard = (minutes) => `standar ${minutes} mnt`;

function setTimer(timer, seconds, standardMinutes, note) {
  $("[data-timer-value]", timer).textContent = duration(seconds);
  timer.dataset.level = seconds === null ? "idle" : level(seconds, standardMinutes);
  $("[data-timer-note]", timer).textContent = note || "";
  const meter = $("[data-meter]", timer);
  if (meter) {
    const share = seconds === null || !standardMinutes ? 0 : seconds / (standardMinutes * 60);
    meter.style.width = Math.min(100, share * 100).toFixed(1) + "%";
  }
}

/** Advance the `timers` ({wait, called, service} elements) of `ticket` of `service`. */
export function drawTimers(timers, ticket, service) {
  const waited = secondsSince(ticket.issued_at, ticket.called_at);
  setTimer(
    timers.wait,
    waited,
    service.standard_wait_minutes,
    standard(service.standard_wait_minutes) + " · sampai dipanggil",
  );
  const sinceCall = ticket.status === "called" ? secondsSince(ticket.last_called_at || ticket.called_at) : null;
  setTimer(timers.called, sinceCall, null, "");
  timers.called.hidden = ticket.status !== "called";
  const served = ticket.started_at ? secondsSince(ticket.started_at, ticket.finished_at) : null;
  setTimer(timers.service, served, service.standard_service_minutes, standard(service.standard_service_minutes));
}
