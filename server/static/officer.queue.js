/* The console's waiting list: the tickets of this counter's services in the order the counter
   would call them (the server decides the order), each with its wait against the standard. */
import { api } from "./lib/api.js";
import { secondsSince, syncClock } from "./lib/clock.js";
import { debounce, $, $$ } from "./lib/dom.js";
import { duration, level } from "./lib/format.js";

const TEXT = {
  more: (count) => `… dan ${count} nomor lagi`,
  priority: "Prioritas",
  transferred: "Alihan",
  skipped: "Dilewati",
};

function span(className, text) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}

export class WaitingList {
  /** `root` holds the [data-queue-*] elements; `services` maps codes to their standards;
        `onError(err)` shows a failed load. */
  constructor(root, counterId, counterServices, services, onError) {
    this.counterId = counterId;
    this.counterServices = counterServices;
    this.services = services;
    this.onError = onError;
    this.tickets = [];
    this.total = 0;
    this.waiting = {};
    this.el = {
      count: $("[data-queue-count]", root),
      services: $("[data-queue-services]", root),
      list: $("[data-queue-list]", root),
      empty: $("[data-queue-empty]", root),
      more: $("[data-queue-more]", root),
    };
    this.refresh = debounce(() => this.load(), 120);
  }

  /** Ask the server for the list. */
  async load() {
    try {
      const body = await api("GET", `/api/counters/${this.counterId}/queue`);
      syncClock(body.server_time);
      this.tickets = body.tickets;
      this.total = body.total;
      this.render();
    } catch (err) {
      this.onError(err);
    }
  }

  /** A ticket left the queue: drop it now, the server's list follows a moment later. */
  drop(ticketId) {
    const before = this.tickets.length;
    this.tickets = this.tickets.filter((t) => t.id !== ticketId);
    if (this.tickets.length === before) return;
    this.total -= 1;
    this.render();
  }

  /** Waiting counts per service (from `state` and `queue_changed`). */
  setWaiting(waiting) {
    this.waiting = waiting || this.waiting;
    this.renderCounts();
  }

  render() {
    const el = this.el;
    el.count.textContent = String(this.total);
    el.empty.hidden = this.total > 0;
    el.more.hidden = this.total <= this.tickets.length;
    el.more.textContent = TEXT.more(this.total - this.tickets.length);
    el.list.replaceChildren(...this.tickets.map((ticket, index) => this.item(ticket, index)));
    this.tick();
    this.renderCounts();
  }

  item(ticket, index) {
    const service = this.services[ticket.service] || {};
    const item = document.createElement("li");
    item.className = "queue-item" + (ticket.priority ? " is-priority" : "");
    item.dataset.ticket = ticket.number;
    item.append(
      span("q-pos", String(index + 1)),
      span("q-number", ticket.number),
      span("q-service", service.name || ticket.service_name),
    );
    if (ticket.priority) {
      item.append(span("badge badge-priority", ticket.priority_label || TEXT.priority));
    } else if (ticket.transferred_from) {
      item.append(span("badge badge-transfer", TEXT.transferred));
    } else if (ticket.skip_count) {
      item.append(span("badge badge-skip", TEXT.skipped));
    }
    const wait = span("q-wait", "");
    wait.dataset.since = ticket.waiting_since;
    wait.dataset.standard = String(service.standard_wait_minutes || "");
    item.append(wait);
    return item;
  }

  renderCounts() {
    this.el.services.replaceChildren(
      ...this.counterServices.map((service) => {
        const chip = document.createElement("li");
        chip.append(span("chip-code", service.code), span("chip-count", String(this.waiting[service.code] || 0)));
        chip.title = service.name;
        return chip;
      }),
    );
  }

  /** Advance every wait and recolour it against its service's standard. */
  tick() {
    for (const wait of $$(".q-wait", this.el.list)) {
      const seconds = secondsSince(wait.dataset.since);
      wait.textContent = duration(seconds);
      wait.dataset.level = level(seconds, Number(wait.dataset.standard));
    }
  }
}
