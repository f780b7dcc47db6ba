/* The supervisor board's picture, kept up to date by the server's pushes as the TV does: a call or
   a ticket change moves the ticket in or out of its counter's card and counts the day's served
   and no-shows; `queue_changed` sets the waiting counts. What no push carries — the oldest
   waiting ticket behind the one just called, the average waits — is asked again from
   /api/board, at most once per FIGURES_MS; `state` (every connect) and the name-less
   presence_changed/config_changed bring the whole picture again (board.js). */

import { now } from "./lib/clock.js";

const AT_COUNTER = new Set(["called", "serving"]);
const CLOSED = new Set(["done", "no_show"]);

/** The board's model (`/api/board`'s answer) and the pushes that change it. */
export class BoardPicture {
  constructor() {
    this.board = null;
    this.counted = new Set(); // "id:status" of the closings already counted since the last load
  }

  /** The whole picture, as /api/board answered. */
  load(board) {
    this.board = board;
    this.counted.clear();
  }

  counter(id) {
    return this.board.counters.find((c) => c.id === id) || null;
  }

  service(code) {
    return this.board.services.find((s) => s.code === code) || null;
  }

  /**
   * A ticket pushed (`ticket_called` or `ticket_updated`). Returns "stale" when figures that the
   * push does not carry changed (a first call: the service's oldest waiting ticket and its
   * average wait), true when the picture changed, false when it did not.
   */
  ticket(ticket) {
    if (!this.board || !ticket) return false;
    let changed = false;
    const here = ticket.counter && AT_COUNTER.has(ticket.status) ? ticket.counter.id : null;
    for (const counter of this.board.counters) {
      if (counter.current && counter.current.id === ticket.id && counter.id !== here) {
        counter.current = null;
        changed = true;
      }
    }
    if (here !== null) {
      const counter = this.counter(here);
      if (counter) {
        counter.current = ticket;
        counter.last_called_at = ticket.last_called_at || ticket.called_at || counter.last_called_at;
        changed = true;
      }
    }
    if (CLOSED.has(ticket.status) && !this.counted.has(`${ticket.id}:${ticket.status}`)) {
      this.counted.add(`${ticket.id}:${ticket.status}`);
      const figures = [ticket.counter && this.counter(ticket.counter.id), this.service(ticket.service)];
      for (const holder of figures) {
        if (holder) countClosing(holder.today, ticket);
      }
      changed = true;
    }
    const firstCall = ticket.status === "called" && ticket.call_count === 1;
    return firstCall ? "stale" : changed;
  }

  /** `queue_changed`: the number waiting per service. */
  waiting(counts) {
    if (!this.board || !counts) return false;
    for (const service of this.board.services) {
      const count = counts[service.code] || 0;
      if (count === 0) {
        service.oldest_waiting_since = null;
      } else if (!service.oldest_waiting_since) {
        // Nobody waited: the one waiting now has just taken the number.
        service.oldest_waiting_since = new Date(now()).toISOString();
      }
      service.waiting = count;
    }
    return true;
  }
}

/** A ticket closed as done or no-show: the day's counts (and the average service time). */
function countClosing(today, ticket) {
  if (!today) return;
  if (ticket.status === "no_show") {
    today.no_shows = (today.no_shows || 0) + 1;
    return;
  }
  const served = today.served || 0;
  if (ticket.service_seconds !== null && ticket.service_seconds !== undefined) {
    const average = today.avg_service_seconds;
    today.avg_service_seconds =
      average === null || average === undefined
        ? ticket.service_seconds
        : Math.round((average * served + ticket.service_seconds) / (served + 1));
  }
  today.served = served + 1;
}
