/* The officer's console: the ticket at this counter, the actions on it, the waiting list and the
   officer's own figures. It renders what the server says; the queue rules stay on the server. */
(function () {
  "use strict";

  const L = window.Loket;
  const root = document.querySelector("[data-console]");
  if (!root) return;

  const counterId = Number(root.dataset.counter);
  const skipReturns = Number(root.dataset.skipReturns || 0);
  const counterServices = JSON.parse(root.dataset.counterServices);
  const services = Object.fromEntries(JSON.parse(root.dataset.services).map((s) => [s.code, s]));
  const $ = (selector) => root.querySelector(selector);

  const STATUS = { called: "Dipanggil", serving: "Sedang dilayani" };
  const MESSAGES = {
    nobodyWaiting: "Tidak ada antrian menunggu.",
    calling: (n, counter) => `Memanggil ${n} ke ${counter}.`,
    recalled: (n) => `${n} dipanggil ulang.`,
    started: (n) => `Mulai melayani ${n}.`,
    finished: (n) => `${n} selesai dilayani.`,
    returned: (n) => `${n} tidak hadir: dikembalikan ke akhir antrian.`,
    noShow: (n) => `${n} ditandai tidak hadir.`,
    transferred: (n, service) => `${n} dialihkan ke layanan ${service}.`,
    closesCurrent: (n) => `${n} akan dianggap selesai`,
    skipTitle: (n) => `Tandai ${n} tidak hadir?`,
    skipReturns: (n) => `${n} akan dikembalikan ke akhir antrian dan dapat dipanggil lagi nanti.`,
    skipCloses: (n) => `${n} sudah pernah dilewati. Antriannya akan ditutup sebagai tidak hadir.`,
    skipOk: "Ya, tidak hadir",
    chooseService: "Pilih layanan tujuan.",
    calls: (count) => `dipanggil ${count}×`,
    standard: (minutes) => `standar ${minutes} mnt`,
    waitFinal: "sampai dipanggil",
    more: (count) => `… dan ${count} nomor lagi`,
  };

  const el = {
    conn: $("[data-conn]"),
    clock: $("[data-clock]"),
    empty: $("[data-current-empty]"),
    current: $("[data-current]"),
    number: $("[data-current-number]"),
    status: $("[data-current-status]"),
    priority: $("[data-current-priority]"),
    service: $("[data-current-service]"),
    calls: $("[data-current-calls]"),
    timers: {
      wait: $('[data-timer="wait"]'),
      called: $('[data-timer="called"]'),
      service: $('[data-timer="service"]'),
    },
    hint: $("[data-action-hint]"),
    message: $("[data-message]"),
    queueCount: $("[data-queue-count]"),
    queueServices: $("[data-queue-services]"),
    queueList: $("[data-queue-list]"),
    queueEmpty: $("[data-queue-empty]"),
    queueMore: $("[data-queue-more]"),
    confirm: $("[data-confirm-dialog]"),
    transfer: $("[data-transfer-dialog]"),
  };
  const buttons = Object.fromEntries(
    Array.from(root.querySelectorAll("[data-action]")).map((b) => [b.dataset.action, b]),
  );

  const state = {
    current: null,
    versions: new Map(), // ticket id -> version, so a late push never undoes a newer answer
    queue: [],
    total: 0,
    waiting: {},
    busy: false,
  };

  // ---- the ticket at this counter -------------------------------------------------------
  const AT_COUNTER = new Set(["called", "serving"]);

  function version(ticket) {
    const rank = ticket.status === "called" ? 1 : ticket.status === "serving" ? 2 : 3;
    return [ticket.call_count || 0, ticket.skip_count || 0, rank];
  }

  /** Remember a ticket's version; false when we already know a newer one. */
  function fresh(ticket) {
    const next = version(ticket);
    const known = state.versions.get(ticket.id);
    if (known) {
      for (let i = 0; i < next.length; i += 1) {
        if (next[i] !== known[i]) {
          if (next[i] < known[i]) return false;
          break;
        }
      }
    }
    state.versions.set(ticket.id, next);
    return true;
  }

  function isMine(ticket) {
    return Boolean(ticket && ticket.counter && ticket.counter.id === counterId && AT_COUNTER.has(ticket.status));
  }

  /** A ticket changed somewhere: follow it if it is (or was) this counter's. */
  function onTicket(ticket) {
    if (!ticket || !fresh(ticket)) return;
    if (ticket.status !== "waiting") dropFromQueue(ticket.id);
    if (isMine(ticket)) setCurrent(ticket);
    else if (state.current && state.current.id === ticket.id) setCurrent(null);
  }

  function closeCurrent() {
    if (!state.current) return;
    const v = version(state.current);
    state.versions.set(state.current.id, [v[0], v[1], 3]);
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
    el.status.textContent = STATUS[ticket.status] || ticket.status_label || ticket.status;
    el.status.dataset.status = ticket.status;
    el.priority.hidden = !ticket.priority;
    el.priority.textContent = "Prioritas" + (ticket.priority_label ? " · " + ticket.priority_label : "");
    el.service.textContent = `${ticket.service} · ${ticket.service_name}`;
    el.calls.textContent = ticket.call_count > 1 ? MESSAGES.calls(ticket.call_count) : "";
    tickCurrent();
  }

  function setTimer(timer, seconds, standardMinutes, note) {
    const value = timer.querySelector("[data-timer-value]");
    value.textContent = L.duration(seconds);
    timer.dataset.level = seconds === null ? "idle" : L.level(seconds, standardMinutes);
    timer.querySelector("[data-timer-note]").textContent = note || "";
    const meter = timer.querySelector("[data-meter]");
    if (meter) {
      const share = seconds === null || !standardMinutes ? 0 : seconds / (standardMinutes * 60);
      meter.style.width = Math.min(100, share * 100).toFixed(1) + "%";
    }
  }

  function tickCurrent() {
    const ticket = state.current;
    if (!ticket) return;
    const service = services[ticket.service] || {};
    const waited = L.secondsSince(ticket.issued_at, ticket.called_at);
    setTimer(el.timers.wait, waited, service.standard_wait_minutes,
      MESSAGES.standard(service.standard_wait_minutes) + " · " + MESSAGES.waitFinal);
    const sinceCall = ticket.status === "called" ? L.secondsSince(ticket.last_called_at || ticket.called_at) : null;
    setTimer(el.timers.called, sinceCall, null, "");
    el.timers.called.hidden = ticket.status !== "called";
    const served = ticket.started_at ? L.secondsSince(ticket.started_at, ticket.finished_at) : null;
    setTimer(el.timers.service, served, service.standard_service_minutes,
      MESSAGES.standard(service.standard_service_minutes));
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
      messageTimer = setTimeout(() => { el.message.textContent = ""; }, 8000);
    }
  }

  async function run(work) {
    if (state.busy) return;
    state.busy = true;
    renderButtons();
    try {
      await work();
    } catch (err) {
      say(err.message, "error");
      if (err.status === 401) setTimeout(() => location.reload(), 2500);
      if (err.status === 409) socket.emit("state"); // our picture was stale: redraw from the server
    } finally {
      state.busy = false;
      renderButtons();
      refreshSummary();
    }
  }

  const ACTIONS = {
    async next() {
      const body = await L.api("POST", `/api/counters/${counterId}/call-next`);
      if (!body.ticket) {
        closeCurrent();
        say(MESSAGES.nobodyWaiting, "info");
        return;
      }
      onTicket(body.ticket);
      say(MESSAGES.calling(body.ticket.number, root.dataset.counterName), "success");
    },
    async recall() {
      const body = await L.api("POST", `/api/tickets/${state.current.id}/recall`);
      onTicket(body.ticket);
      say(MESSAGES.recalled(body.ticket.number), "success");
    },
    async start() {
      const body = await L.api("POST", `/api/tickets/${state.current.id}/start`);
      onTicket(body.ticket);
      say(MESSAGES.started(body.ticket.number), "success");
    },
    async finish() {
      const body = await L.api("POST", `/api/tickets/${state.current.id}/finish`);
      onTicket(body.ticket);
      say(MESSAGES.finished(body.ticket.number), "success");
    },
    async skip() {
      const ticket = state.current;
      const returns = (ticket.skip_count || 0) < skipReturns;
      const sure = await confirmDialog(
        MESSAGES.skipTitle(ticket.number),
        returns ? MESSAGES.skipReturns(ticket.number) : MESSAGES.skipCloses(ticket.number),
        MESSAGES.skipOk,
      );
      if (!sure) return;
      const body = await L.api("POST", `/api/tickets/${ticket.id}/skip`);
      onTicket(body.ticket);
      say(body.ticket.status === "waiting" ? MESSAGES.returned(ticket.number) : MESSAGES.noShow(ticket.number), "success");
      refreshQueue();
    },
    async transfer() {
      const ticket = state.current;
      const target = await chooseService(ticket);
      if (!target) return;
      const body = await L.api("POST", `/api/tickets/${ticket.id}/transfer`, { service: target });
      if (state.current && state.current.id === ticket.id) closeCurrent();
      const name = (services[target] || {}).name || target;
      say(MESSAGES.transferred(body.ticket.number, `${target} · ${name}`), "success");
      refreshQueue();
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

  for (const cancel of root.querySelectorAll("[data-dialog-cancel]")) {
    cancel.addEventListener("click", () => cancel.closest("dialog").close("cancel"));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
    if (event.target.closest("input, select, textarea, dialog")) return;
    if (document.querySelector("dialog[open]")) return;
    const button = root.querySelector(`[data-key="${CSS.escape(event.key.toLowerCase())}"]`);
    if (!button) return;
    event.preventDefault();
    act(button.dataset.action);
  });

  // ---- confirmations --------------------------------------------------------------------
  function confirmDialog(title, text, okLabel) {
    const dialog = el.confirm;
    dialog.querySelector("[data-confirm-title]").textContent = title;
    dialog.querySelector("[data-confirm-text]").textContent = text;
    const ok = dialog.querySelector("[data-confirm-ok]");
    ok.textContent = okLabel;
    return new Promise((resolve) => {
      dialog.returnValue = "";
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.showModal();
      ok.focus();
    });
  }

  function chooseService(ticket) {
    const dialog = el.transfer;
    const ok = dialog.querySelector("[data-transfer-ok]");
    const radios = Array.from(dialog.querySelectorAll('input[name="service"]'));
    dialog.querySelector("[data-transfer-number]").textContent = ticket.number;
    for (const radio of radios) {
      radio.checked = false;
      const usable = radio.value !== ticket.service && (services[radio.value] || {}).enabled !== false;
      radio.disabled = !usable;
      radio.closest("[data-transfer-choice]").dataset.current = String(radio.value === ticket.service);
    }
    ok.disabled = true;
    const onChange = () => { ok.disabled = !radios.some((r) => r.checked); };
    // A service's letter picks it: the officer can transfer without the mouse.
    const onKey = (event) => {
      const radio = radios.find((r) => r.value.toLowerCase() === event.key.toLowerCase() && !r.disabled);
      if (!radio || event.ctrlKey || event.altKey || event.metaKey) return;
      event.preventDefault();
      radio.checked = true;
      radio.focus();
      onChange();
    };
    dialog.addEventListener("change", onChange);
    dialog.addEventListener("keydown", onKey);
    return new Promise((resolve) => {
      dialog.returnValue = "";
      dialog.addEventListener("close", () => {
        dialog.removeEventListener("change", onChange);
        dialog.removeEventListener("keydown", onKey);
        const chosen = radios.find((r) => r.checked);
        resolve(dialog.returnValue === "ok" && chosen ? chosen.value : null);
      }, { once: true });
      dialog.showModal();
      (radios.find((r) => !r.disabled) || ok).focus();
    });
  }

  // ---- the waiting list -----------------------------------------------------------------
  async function loadQueue() {
    try {
      const body = await L.api("GET", `/api/counters/${counterId}/queue`);
      L.syncClock(body.server_time);
      state.queue = body.tickets;
      state.total = body.total;
      renderQueue();
    } catch (err) {
      say(err.message, "error");
      if (err.status === 401) setTimeout(() => location.reload(), 2500);
    }
  }
  const refreshQueue = L.debounce(loadQueue, 120);

  /** A ticket left the queue: drop it now, the server's list follows a moment later. */
  function dropFromQueue(ticketId) {
    const before = state.queue.length;
    state.queue = state.queue.filter((t) => t.id !== ticketId);
    if (state.queue.length === before) return;
    state.total -= 1;
    renderQueue();
  }

  function renderQueue() {
    el.queueCount.textContent = String(state.total);
    el.queueEmpty.hidden = state.total > 0;
    el.queueMore.hidden = state.total <= state.queue.length;
    el.queueMore.textContent = MESSAGES.more(state.total - state.queue.length);
    const items = state.queue.map((ticket, index) => {
      const item = document.createElement("li");
      item.className = "queue-item" + (ticket.priority ? " is-priority" : "");
      item.dataset.ticket = ticket.number;
      item.append(
        span("q-pos", String(index + 1)),
        span("q-number", ticket.number),
        span("q-service", (services[ticket.service] || {}).name || ticket.service_name),
      );
      if (ticket.priority) {
        item.append(span("badge badge-priority", ticket.priority_label || "Prioritas"));
      } else if (ticket.transferred_from) {
        item.append(span("badge badge-transfer", "Alihan"));
      } else if (ticket.skip_count) {
        item.append(span("badge badge-skip", "Dilewati"));
      }
      const wait = span("q-wait", "");
      wait.dataset.since = ticket.waiting_since;
      wait.dataset.standard = String((services[ticket.service] || {}).standard_wait_minutes || "");
      item.append(wait);
      return item;
    });
    el.queueList.replaceChildren(...items);
    tickQueue();
    renderWaitingCounts();
  }

  function renderWaitingCounts() {
    const chips = counterServices.map((service) => {
      const chip = document.createElement("li");
      const count = state.waiting[service.code];
      chip.append(span("chip-code", service.code), span("chip-count", String(count === undefined ? 0 : count)));
      chip.title = service.name;
      return chip;
    });
    el.queueServices.replaceChildren(...chips);
  }

  function tickQueue() {
    for (const wait of el.queueList.querySelectorAll(".q-wait")) {
      const seconds = L.secondsSince(wait.dataset.since);
      wait.textContent = L.duration(seconds);
      wait.dataset.level = L.level(seconds, Number(wait.dataset.standard));
    }
  }

  function span(className, text) {
    const node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  // ---- my figures -----------------------------------------------------------------------
  async function loadSummary() {
    try {
      const body = await L.api("GET", "/api/officer/summary");
      for (const [key, value] of Object.entries(body.today)) {
        const cell = root.querySelector(`[data-figure="${key}"]`);
        if (cell) cell.textContent = key.endsWith("_seconds") ? L.minutes(value) : String(value);
      }
    } catch (err) {
      // The figures are secondary: the next refresh tries again.
    }
  }
  const refreshSummary = L.debounce(loadSummary, 300);

  // ---- live updates ---------------------------------------------------------------------
  const socket = window.io({ transports: ["websocket", "polling"] });
  L.showConnection(el.conn, "connecting");
  socket.on("connect", () => {
    L.showConnection(el.conn, "connected");
    refreshQueue();
    refreshSummary();
  });
  socket.on("disconnect", () => L.showConnection(el.conn, "disconnected"));
  socket.on("state", (snapshot) => {
    L.syncClock(snapshot.server_time);
    state.waiting = snapshot.waiting || {};
    const mine = (snapshot.counters || []).find((c) => c.id === counterId);
    const current = mine ? mine.current : null;
    if (current) state.versions.set(current.id, version(current));
    setCurrent(current);
    renderWaitingCounts();
    root.dataset.ready = "true"; // the page holds the server's picture (tests wait for this)
  });
  socket.on("ticket_called", (call) => {
    onTicket(call.ticket);
    refreshQueue();
  });
  socket.on("ticket_updated", (message) => {
    onTicket(message.ticket);
    if (message.ticket && message.ticket.counter && message.ticket.counter.id === counterId) refreshSummary();
  });
  socket.on("queue_changed", (message) => {
    state.waiting = message.waiting || state.waiting;
    renderWaitingCounts();
    refreshQueue();
  });

  L.startClock(el.clock, root.dataset.timezone);
  setInterval(() => {
    tickCurrent();
    tickQueue();
  }, 1000);
  renderCurrent();
  renderButtons();
  renderWaitingCounts();
  loadQueue();
  loadSummary();
})();
