// What the waiting-room display shows: the latest call, a tile per counter, the last calls and the
// number waiting per service. It only renders what the server says (the `state` snapshot and the
// pushes); it never decides queue rules.
//
// The page runs for days, so every node is created once and reused: counter tiles and waiting rows
// are keyed by id/code, the history is a fixed pool of rows, and one timer ends the highlights
// (highlights.js).

import { now } from "../common/lib/clock.js";
import { clockFormat } from "../common/lib/format.js";
import { Pager, fitRows } from "./fit.js";
import { Highlights } from "./highlights.js";
import { $, $$, element } from "../common/lib/dom.js";

const HISTORY_SIZE = 8;
const ACTIVE_STATUSES = new Set(["called", "serving"]);
const DASH = "\u2014";

/** One call as the panel shows it, from a `recent_calls` item or a `ticket_called` push. */
function callView(call) {
  const ticket = call.ticket || {};
  return {
    ticketId: ticket.id ?? null,
    number: call.number || ticket.number || "",
    serviceName: ticket.service_name || "",
    counterId: call.counter ? call.counter.id : null,
    counterName: call.counter ? call.counter.name : "",
    recall: Boolean(call.recall),
    calledAt: call.called_at ? Date.parse(call.called_at) : NaN,
  };
}

export class CallsPanel {
  constructor(root) {
    this.highlightMs = 30000;
    this.highlights = new Highlights();
    this.callSequence = 0;
    this.history = [];
    this.setTimezone("Asia/Jakarta");

    const hero = $("#hero", root);
    this.hero = {
      el: hero,
      number: $("#hero-number", hero),
      counter: $("#hero-counter-name", hero),
      service: $("#hero-service", hero),
    };
    this.emptyHero = { counter: this.hero.counter.textContent, service: this.hero.service.textContent };

    this.boardEl = $("#board", root);
    this.counterGrid = $("#counter-grid", root);
    this.tiles = new Map();
    for (const el of $$(".counter-tile", this.counterGrid)) {
      this.tiles.set(Number(el.dataset.counterId), this._tileParts(el));
    }

    this.historyRows = [];
    this.historyEmpty = $("#history-empty", root);
    const list = $("#history-list", root);
    for (let i = 0; i < HISTORY_SIZE; i += 1) {
      const row = element("li", { className: "history-row" });
      const number = element("span", { className: "history-number" });
      const counter = element("span", { className: "history-counter" });
      const meta = element("span", { className: "history-meta" });
      const time = element("span", { className: "history-time" });
      const recall = element("span", { className: "history-recall", text: "ulang" });
      meta.append(time, recall);
      row.append(number, counter, meta);
      row.hidden = true;
      list.append(row);
      this.historyRows.push({ row, number, counter, time });
    }

    this.waitingList = $("#waiting-list", root);
    this.waitingItems = new Map();
    for (const el of $$(".waiting-item", this.waitingList)) {
      this.waitingItems.set(el.dataset.service, this._waitingParts(el));
    }
    this.historyList = list;
    this.pager = new Pager(this.waitingList, $("#waiting-page", root));
  }

  /** Fit the recent calls and page the waiting panel again (size, fonts or rows changed). */
  fit() {
    fitRows(
      this.historyList,
      this.historyRows.map((parts) => parts.row),
    );
    this.pager.layout();
  }

  setTimezone(timeZone) {
    this.timeFormat = clockFormat(timeZone);
  }

  setHighlightSeconds(seconds) {
    const value = Number(seconds);
    if (Number.isFinite(value) && value >= 0) this.highlightMs = value * 1000;
  }

  /** Redraw everything from a `state` snapshot (on every connect and reconnect). */
  applyState(state) {
    const serverNow = Date.parse(state.server_time) || now();
    this._renderCounters(state.counters || []);
    this._renderServices(state.services || []);
    this.setWaiting(state.waiting || {});
    const calls = (state.recent_calls || []).slice(0, HISTORY_SIZE).map(callView);
    this.history = calls;
    this._renderHistory();
    if (calls.length === 0) {
      this._emptyHero();
      return;
    }
    const latest = calls[0];
    const remaining = this.highlightMs - (serverNow - latest.calledAt);
    this._showHero(latest);
    if (remaining > 0) {
      this.highlights.add(this.hero.el, remaining);
      this.highlights.add(this.historyRows[0].row, remaining);
      const tile = this.tiles.get(latest.counterId);
      if (tile && tile.ticketId === latest.ticketId) this.highlights.add(tile.el, remaining);
    } else {
      this.highlights.clear();
    }
  }

  /** A `ticket_called` push: the big number, its counter's tile and the history. */
  showCall(payload) {
    const call = callView(payload);
    this.callSequence += 1;
    this._showHero(call);
    this.highlights.add(this.hero.el, this.highlightMs);
    for (const tile of this.tiles.values()) {
      if (tile.ticketId === call.ticketId && tile.id !== call.counterId) this._setTile(tile, null);
    }
    const tile = this.tiles.get(call.counterId);
    if (tile) {
      this._setTile(tile, payload.ticket);
      this.highlights.add(tile.el, this.highlightMs);
    }
    this.history.unshift(call);
    if (this.history.length > HISTORY_SIZE) this.history.length = HISTORY_SIZE;
    this._renderHistory();
    this.highlights.add(this.historyRows[0].row, this.highlightMs);
  }

  /** A `ticket_updated` push: a counter whose ticket is finished, skipped or moved is free again. */
  updateTicket(ticket) {
    if (!ticket) return;
    for (const tile of this.tiles.values()) {
      if (tile.ticketId !== ticket.id) continue;
      if (ACTIVE_STATUSES.has(ticket.status)) this._setTile(tile, ticket);
      else this._setTile(tile, null);
    }
  }

  /** `queue_changed` (or the snapshot): the number waiting per service. */
  setWaiting(waiting) {
    for (const [code, item] of this.waitingItems) {
      const count = Number(waiting[code] ?? 0);
      item.count.textContent = String(count);
      item.el.dataset.empty = String(count === 0);
    }
    this.pager.layout(); // a longer count may wrap a name: the pages are measured again
  }

  // ---- hero -----------------------------------------------------------------------------

  _showHero(call) {
    const { el, number, counter, service } = this.hero;
    number.textContent = call.number || DASH;
    counter.textContent = call.counterName;
    service.textContent = call.serviceName;
    el.dataset.state = "call";
    el.dataset.number = call.number;
    el.dataset.ticketId = call.ticketId ?? "";
    el.dataset.counterId = call.counterId ?? "";
    el.dataset.recall = String(call.recall);
    el.dataset.callSequence = String(this.callSequence);
  }

  _emptyHero() {
    const { el, number, counter, service } = this.hero;
    number.textContent = DASH;
    counter.textContent = this.emptyHero.counter;
    service.textContent = this.emptyHero.service;
    el.dataset.state = "empty";
    el.dataset.number = "";
    el.dataset.ticketId = "";
    el.dataset.recall = "false";
    this.highlights.clear();
  }

  // ---- counters -------------------------------------------------------------------------

  _tileParts(el) {
    return {
      id: Number(el.dataset.counterId),
      el,
      name: $(".counter-name", el),
      number: $(".counter-number", el),
      services: $(".counter-services", el),
      ticketId: null,
    };
  }

  _renderCounters(counters) {
    const seen = new Set();
    for (const counter of counters) {
      seen.add(counter.id);
      let tile = this.tiles.get(counter.id);
      if (!tile) {
        const el = element("article", { className: "counter-tile" });
        el.dataset.counterId = String(counter.id);
        el.append(
          element("p", { className: "counter-name" }),
          element("p", { className: "counter-number" }),
          element("p", { className: "counter-services" }),
        );
        tile = this._tileParts(el);
        this.tiles.set(counter.id, tile);
      }
      tile.name.textContent = counter.name;
      tile.services.textContent = (counter.services || []).join(" ");
      this._setTile(tile, counter.current);
      this.counterGrid.append(tile.el); // keeps the server's order; moves, never clones
    }
    for (const [id, tile] of this.tiles) {
      if (seen.has(id)) continue;
      this.highlights.forget(tile.el);
      tile.el.remove();
      this.tiles.delete(id);
    }
    this.counterGrid.dataset.count = String(this.tiles.size);
    this.boardEl.dataset.counters = String(this.tiles.size);
  }

  _setTile(tile, ticket) {
    const active = ticket && ACTIVE_STATUSES.has(ticket.status);
    tile.ticketId = active ? ticket.id : null;
    tile.number.textContent = active ? ticket.number : DASH;
    tile.el.dataset.status = active ? ticket.status : "idle";
    tile.el.dataset.number = active ? ticket.number : "";
    if (!active) this.highlights.remove(tile.el);
  }

  // ---- history and waiting --------------------------------------------------------------

  _renderHistory() {
    this.historyEmpty.hidden = this.history.length > 0;
    this.historyRows.forEach((parts, index) => {
      const call = this.history[index];
      parts.row.hidden = !call;
      if (!call) return;
      parts.number.textContent = call.number;
      parts.counter.textContent = call.counterName;
      parts.time.textContent = Number.isNaN(call.calledAt) ? "" : this.timeFormat.format(call.calledAt);
      parts.row.dataset.recall = String(call.recall);
      parts.row.dataset.number = call.number;
    });
    fitRows(
      this.historyList,
      this.historyRows.map((parts) => parts.row),
    );
  }

  _waitingParts(el) {
    return {
      el,
      name: $(".waiting-name", el),
      count: $(".waiting-count", el),
    };
  }

  _renderServices(services) {
    if (services.length === 0) return;
    const seen = new Set();
    for (const service of services) {
      seen.add(service.code);
      let item = this.waitingItems.get(service.code);
      if (!item) {
        const el = element("li", { className: "waiting-item" });
        el.dataset.service = service.code;
        el.append(
          element("span", { className: "waiting-code", text: service.code }),
          element("span", { className: "waiting-name" }),
          element("span", { className: "waiting-count", text: "0" }),
        );
        item = this._waitingParts(el);
        this.waitingItems.set(service.code, item);
      }
      item.name.textContent = service.name;
      this.waitingList.append(item.el);
    }
    for (const [code, item] of this.waitingItems) {
      if (seen.has(code)) continue;
      item.el.remove();
      this.waitingItems.delete(code);
    }
  }
}
