/* The officer's console: the ticket at this counter, the actions on it, the waiting list and the
   officer's own figures. It renders what the server says; the queue rules stay on the server. */
import { api } from "./lib/api.js";
import { startClock } from "./lib/clock.js";
import { connectionBadge } from "./lib/connection.js";
import { statusLabel } from "./lib/labels.js";
import { overtimeMessage } from "./lib/overtime.js";
import "./lib/session.js";
import { openSocket } from "./lib/socket.js";
import { chooseService, confirm } from "./officer.dialogs.js";
import { MESSAGES } from "./officer.messages.js";
import { WaitingList } from "./officer.queue.js";
import { officerSummary } from "./officer.summary.js";
import { drawTimers, Versions } from "./officer.ticket.js";
import { $, $$ } from "./lib/dom.js";

const root = $("[data-console]");
if (root) startConsole(root);

function startConsole(root) {
  const counterId = Number(root.dataset.counter);
  const skipReturns = Number(root.dataset.skipReturns || 0);
  const counterServices = JSON.parse(root.dataset.counterServices);
  const services = Object.fromEntries(JSON.parse(root.dataset.services).map((s) => [s.code, s]));

  const el = {
    conn: $("[data-conn]", root),
    clock: $("[data-clock]", root),
    empty: $("[data-current-empty]", root),
    current: $("[data-current]", root),
    number: $("[data-current-number]", root),
    status: $("[data-current-status]", root),
    priority: $("[data-current-priority]", root),
    service: $("[data-current-service]", root),
    calls: $("[data-current-calls]", root),
    timers: {
      wait: $('[data-timer="wait"]', root),
      called: $('[data-timer="called"]', root),
      service: $('[data-timer="service"]', root),
    },
    hint: $("[data-action-hint]", root),
    message: $("[data-message]", root),
    confirm: $("[data-confirm-dialog]", root),
    transfer: $("[data-transfer-dialog]", root),
  };
  const buttons = Object.fromEntries($$("[data-action]", root).map((b) => [b.dataset.action, b]));

  /** A request failed: say why; signed out (401) means the page shows the login form again. */
  function failed(err) {
    say(err.message, "error");
    if (err.status === 401) setTimeout(() => location.reload(), 2500);
  }

  const queue = new WaitingList(root, counterId, counterServices, services, failed);

  const state = {
    current: null,
    versions: new Versions(),
    busy: false,
  };

  // ---- the ticket at this counter -------------------------------------------------------
  const AT_COUNTER = new Set(["called", "serving"]);

  function isMine(ticket) {
    return Boolean(ticket && ticket.counter && ticket.counter.id === counterId && AT_COUNTER.has(ticket.status));
  }

  /** A ticket changed somewhere: follow it if it is (or was) this counter's. */
  function onTicket(ticket) {
    if (!ticket || !state.versions.fresh(ticket)) return;
    if (ticket.status !== "waiting") queue.drop(ticket.id);
    if (isMine(ticket)) setCurrent(ticket);
    else if (state.current && state.current.id === ticket.id) setCurrent(null);
  }

  function closeCurrent() {
    if (!state.current) return;
    state.versions.close(state.current);
    setCurrent(null);
  }

  function setCurrent(ticket) {
    state.current = ticket;
    renderCurrent();
    renderButtons();
  }

  function renderCurrent() {
    const ticket = state.current;
    el.empty.hidden = Boolean(ticket);
    el.current.hidden = !ticket;
    document.title = (ticket ? ticket.number + " · " : "") + root.dataset.counterName + " · Petugas";
    if (!ticket) return;
    el.number.textContent = ticket.number;
    el.current.dataset.status = ticket.status;
    el.status.textContent = statusLabel(ticket.status);
    el.status.dataset.status = ticket.status;
    el.priority.hidden = !ticket.priority;
    el.priority.textContent = "Prioritas" + (ticket.priority_label ? " · " + ticket.priority_label : "");
    el.service.textContent = `${ticket.service} · ${ticket.service_name}`;
    el.calls.textContent = ticket.call_count > 1 ? MESSAGES.calls(ticket.call_count) : "";
    tickCurrent();
  }

  function tickCurrent() {
    const ticket = state.current;
    if (ticket) drawTimers(el.timers, ticket, services[ticket.service] || {});
  }

  // ---- buttons --------------------------------------------------------------------------
  const ALLOWED = {
    next: () => true,
    recall: (t) => t && t.status === "called",
    start: (t) => t && t.status === "called",
    finish: (t) => t && t.status === "serving",
    skip: (t) => t && t.status === "called",
    transfer: (t) => t && AT_COUNTER.has(t.status),
  };

  function renderButtons() {
    for (const [action, button] of Object.entries(buttons)) {
      button.disabled = state.busy || !ALLOWED[action](state.current);
    }
    el.hint.textContent = state.current ? MESSAGES.closesCurrent(state.current.number) : "";
  }

  let messageTimer = null;
  function say(text, kind) {
    clearTimeout(messageTimer);
    el.message.textContent = text || "";
    el.message.dataset.kind = kind || "info";
    if (text && kind !== "error") {
      messageTimer = setTimeout(() => {
        el.message.textContent = "";
      }, 8000);
    }
  }

  async function run(work) {
    if (state.busy) return;
    state.busy = true;
    renderButtons();
    try {
      await work();
    } catch (err) {
      failed(err);
      if (err.status === 409) socket.emit("state"); // our picture was stale: redraw from the server
    } finally {
      state.busy = false;
      renderButtons();
      refreshSummary();
    }
  }

  const ACTIONS = {
    async next() {
      const body = await api("POST", `/api/counters/${counterId}/call-next`);
      if (!body.ticket) {
        closeCurrent();
        say(MESSAGES.nobodyWaiting, "info");
        return;
      }
      onTicket(body.ticket);
      say(MESSAGES.calling(body.ticket.number, root.dataset.counterName), "success");
    },
    async recall() {
      const body = await api("POST", `/api/tickets/${state.current.id}/recall`);
      onTicket(body.ticket);
      say(MESSAGES.recalled(body.ticket.number), "success");
    },
    async start() {
      const body = await api("POST", `/api/tickets/${state.current.id}/start`);
      onTicket(body.ticket);
      say(MESSAGES.started(body.ticket.number), "success");
    },
    async finish() {
      const body = await api("POST", `/api/tickets/${state.current.id}/finish`);
      onTicket(body.ticket);
      say(MESSAGES.finished(body.ticket.number), "success");
    },
    async skip() {
      const ticket = state.current;
      const returns = (ticket.skip_count || 0) < skipReturns;
      const sure = await confirm(
        el.confirm,
        MESSAGES.skipTitle(ticket.number),
        returns ? MESSAGES.skipReturns(ticket.number) : MESSAGES.skipCloses(ticket.number),
        MESSAGES.skipOk,
      );
      if (!sure) return;
      const body = await api("POST", `/api/tickets/${ticket.id}/skip`);
      onTicket(body.ticket);
      say(
        body.ticket.status === "waiting" ? MESSAGES.returned(ticket.number) : MESSAGES.noShow(ticket.number),
        "success",
      );
      queue.refresh();
    },
    async transfer() {
      const ticket = state.current;
      const target = await chooseService(el.transfer, ticket, services);
      if (!target) return;
      const body = await api("POST", `/api/tickets/${ticket.id}/transfer`, { service: target });
      if (state.current && state.current.id === ticket.id) closeCurrent();
      const name = (services[target] || {}).name || target;
      say(MESSAGES.transferred(body.ticket.number, `${target} · ${name}`), "success");
      queue.refresh();
    },
  };

  function act(action) {
    const button = buttons[action];
    if (!button || button.disabled) return;
    run(ACTIONS[action]);
  }

  for (const [action, button] of Object.entries(buttons)) {
    button.addEventListener("click", () => act(action));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    if (event.target.closest("input, select, textarea, dialog")) return;
    if ($("dialog[open]")) return;
    const button = $(`[data-key="${CSS.escape(event.key.toLowerCase())}"]`, root);
    if (!button) return;
    event.preventDefault();
    act(button.dataset.action);
  });

  // ---- my figures -----------------------------------------------------------------------
  const { load: loadSummary, refresh: refreshSummary } = officerSummary(root);

  // ---- live updates ---------------------------------------------------------------------
  const socket = openSocket(); // its `state` sets the clock (lib/clock.js)
  connectionBadge(el.conn, socket);
  socket.on("connect", () => {
    queue.refresh();
    refreshSummary();
  });
  socket.on("state", (snapshot) => {
    const mine = (snapshot.counters || []).find((c) => c.id === counterId);
    const current = mine ? mine.current : null;
    if (current) state.versions.remember(current);
    setCurrent(current);
    queue.setWaiting(snapshot.waiting || {});
    root.dataset.ready = "true"; // the page holds the server's picture (tests wait for this)
  });
  socket.on("ticket_called", (call) => {
    onTicket(call.ticket);
    queue.refresh();
  });
  socket.on("ticket_updated", (message) => {
    onTicket(message.ticket);
    if (message.ticket && message.ticket.counter && message.ticket.counter.id === counterId) refreshSummary();
  });
  socket.on("queue_changed", (message) => {
    queue.setWaiting(message.waiting);
    queue.refresh();
  });
  // The server's over-time alert (once per ticket): a visitor of this counter's services has
  // waited past the standard, or the ticket served here has run past the standard service time.
  socket.on("ticket_overtime", (alert) => {
    const ticket = alert.ticket || {};
    const here = ticket.counter && ticket.counter.id === counterId;
    const mine = counterServices.some((s) => s.code === ticket.service);
    if (alert.kind === "service" ? !here : !mine) return;
    say(overtimeMessage(alert), "warning");
    queue.refresh();
  });

  startClock(el.clock, root.dataset.timezone);
  setInterval(() => {
    tickCurrent();
    queue.tick();
  }, 1000);
  renderCurrent();
  renderButtons();
  queue.render();
  queue.load();
  loadSummary();
}
