/* The kiosk: one tap on a service takes a number.
 *
 * It runs for days without a reload, so every element is created once and reused, every listener
 * is registered once, and a single interval drives all time-outs. The clock on screen is the
 * server's (lib/clock.js, set by every `state` the socket receives), not the PC's. Time-outs are
 * durations, measured on the monotonic performance.now(): a clock set right meanwhile does not
 * stretch or cut them. It renders what the server says and never decides queue rules itself.
 */
import { api } from "../common/lib/api.js";
import { now, startClock } from "../common/lib/clock.js";
import { $, setText } from "../common/lib/dom.js";
import { clockFormat, zoneName } from "../common/lib/format.js";
import { priorityLabel } from "../common/lib/labels.js";
import { openSocket } from "../common/lib/socket.js";
import { serviceGrid } from "./services.js";
import { t } from "./text.js";
import { ticketScreen } from "./ticket.js";

const root = $("#kiosk");
if (root) startKiosk(root);

function startKiosk(root) {
  const TIMEZONE = root.dataset.timezone || "Asia/Jakarta";
  const SERVICES_URL = root.dataset.servicesUrl;
  const TICKETS_URL = root.dataset.ticketsUrl;
  const TICKET_SECONDS = Number(root.dataset.ticketSeconds) || 8;
  const LOCKOUT_MS = 1000; // a finger still resting on the screen must not take a second number
  const DONE_GUARD_MS = 1200; // the tap that took the ticket must not also close it
  const PRIORITY_IDLE_MS = 30000; // a forgotten priority choice resets itself
  const MESSAGE_MS = 6000;
  const REQUEST_TIMEOUT_MS = 10000;
  const TICK_MS = 500;

  const el = {
    time: $("#kiosk-time"),
    date: $("#kiosk-date"),
    banner: $("#offline-banner"),
    services: $("#services"),
    loading: $("#services-loading"),
    message: $("#kiosk-message"),
    priorityToggle: $("#priority-toggle"),
    priorityPanel: $("#priority-panel"),
    priorityClose: $("#priority-close"),
    priorityCancel: $("#priority-cancel"),
    priorityChosen: $("#priority-chosen"),
    ticketScreen: $("#ticket-screen"),
    ticketNumber: $("#ticket-number"),
    ticketService: $("#ticket-service"),
    ticketPriority: $("#ticket-priority"),
    ticketAhead: $("#ticket-ahead"),
    ticketEstimate: $("#ticket-estimate"),
    ticketTime: $("#ticket-time"),
    ticketPrint: $("#ticket-print"),
    ticketPrintFailed: $("#ticket-print-failed"),
    previewBox: $("#ticket-preview-box"),
    preview: $("#ticket-preview"),
    done: $("#ticket-done"),
    countdown: $("#ticket-countdown"),
  };

  const state = {
    busy: false, // a ticket request is in flight
    lockedUntil: 0,
    priority: null, // the chosen priority group, or null
    priorityUntil: 0,
    messageUntil: 0,
    loading: false,
    reloadAgain: false,
  };

  const grid = serviceGrid(el.services, el.loading);

  // ---- small helpers ---------------------------------------------------------------------------

  // The groups' names are the server's (lib/labels.js): one source of words.
  const groupName = (reason) => priorityLabel(reason) || reason || "";

  // ---- clock and time-outs ----------------------------------------------------------------------

  // Opening hours start and end without any event from the server: ask again each minute.
  startClock({ date: el.date, time: el.time }, TIMEZONE, { onMinute: () => loadServices() });
  const times = clockFormat(TIMEZONE);
  const zone = zoneName(TIMEZONE, new Date(now()));

  function clockTime(date) {
    return t("time_at", { time: times.format(date), zone }).trim();
  }

  const ticket = ticketScreen(root, el, {
    seconds: TICKET_SECONDS,
    clockTime,
    groupName,
    onClose: () => {
      state.lockedUntil = performance.now() + LOCKOUT_MS;
    },
  });

  function tick() {
    const at = performance.now();
    ticket.tick(at);
    if ((state.priority || !el.priorityPanel.hidden) && at > state.priorityUntil) resetPriority();
    if (!el.message.hidden && at > state.messageUntil) el.message.hidden = true;
  }

  // ---- services --------------------------------------------------------------------------------

  /** Fetch the services; calls that arrive meanwhile fold into one more fetch afterwards. */
  function loadServices() {
    if (state.loading) {
      state.reloadAgain = true;
      return;
    }
    state.loading = true;
    api("GET", SERVICES_URL, undefined, { cache: "no-store", timeoutMs: REQUEST_TIMEOUT_MS })
      .then((data) => {
        grid.render((data && data.services) || []);
      })
      .catch(() => {
        /* the connection banner tells whether the server is reachable */
      })
      .then(() => {
        state.loading = false;
        if (state.reloadAgain) {
          state.reloadAgain = false;
          loadServices();
        }
      });
  }

  // ---- taking a number -------------------------------------------------------------------------

  function showMessage(message) {
    el.message.textContent = message;
    el.message.hidden = false;
    state.messageUntil = performance.now() + MESSAGE_MS;
  }

  function takeTicket(button) {
    if (state.busy || ticket.showing || performance.now() < state.lockedUntil) return;
    state.busy = true;
    root.classList.add("is-busy");
    button.classList.add("is-pressed");
    el.message.hidden = true;
    const body = { service: button.dataset.code, priority: Boolean(state.priority) };
    if (state.priority) body.priority_reason = state.priority;
    api("POST", TICKETS_URL, body, { cache: "no-store", timeoutMs: REQUEST_TIMEOUT_MS })
      .then((data) => {
        if (data && data.ticket) {
          ticket.show(data.ticket);
          resetPriority();
        } else {
          showMessage(t("issue_failed"));
          loadServices();
        }
      })
      .catch((error) => {
        // The server's reason (closed, quota, clock) when it gave one; our words when unreachable.
        showMessage(error.fromServer ? error.message : t("issue_failed"));
        if (error.status) loadServices();
      })
      .then(() => {
        state.busy = false;
        state.lockedUntil = performance.now() + LOCKOUT_MS;
        root.classList.remove("is-busy");
        button.classList.remove("is-pressed");
      });
  }

  // ---- priority --------------------------------------------------------------------------------

  function openPriorityPanel() {
    if (ticket.showing) return;
    state.priorityUntil = performance.now() + PRIORITY_IDLE_MS;
    el.priorityPanel.hidden = false;
  }

  function choosePriority(reason) {
    state.priority = reason;
    state.priorityUntil = performance.now() + PRIORITY_IDLE_MS;
    setText(el.priorityChosen, groupName(reason));
    el.priorityPanel.hidden = true;
    root.classList.add("is-priority");
  }

  function resetPriority() {
    state.priority = null;
    el.priorityPanel.hidden = true;
    root.classList.remove("is-priority");
  }

  // ---- connection ------------------------------------------------------------------------------

  function setOnline(online) {
    if (el.banner.hidden !== online) {
      el.banner.hidden = online;
      root.classList.toggle("is-offline", !online);
      grid.scheduleLayout(); // the banner takes height from the buttons
    }
  }

  /** Fetch the office logo again; it shows when there is one and hides when there is none. */
  function reloadLogo() {
    const logo = $("#kiosk-logo");
    if (!logo) return;
    logo.onload = () => {
      logo.hidden = false;
    };
    logo.onerror = () => {
      logo.hidden = true;
    };
    logo.src = logo.dataset.src + "?v=" + now();
  }

  function connect() {
    // `screen=kiosk`: the printer's result for each ticket is sent to the kiosks only.
    const socket = openSocket({ query: { screen: "kiosk" }, onOnline: setOnline });
    if (!socket) return;
    socket.on("connect", loadServices);
    socket.on("queue_changed", (data) => {
      grid.applyWaiting(data && data.waiting);
      loadServices();
    });
    socket.on("ticket_printed", ticket.printed);
    // The admin changed the office (e.g. uploaded a logo): show it without a reload.
    socket.on("config_changed", () => {
      reloadLogo();
      loadServices();
    });
  }

  // ---- wiring (once) ---------------------------------------------------------------------------

  el.services.addEventListener("click", (event) => {
    const button = event.target.closest(".service");
    if (button && !button.disabled) takeTicket(button);
  });
  el.done.addEventListener("click", () => {
    if (performance.now() - ticket.shownAt >= DONE_GUARD_MS) ticket.close();
  });
  el.ticketScreen.addEventListener("click", (event) => {
    // Any tap on the ticket keeps it up a little longer for someone still reading.
    if (!el.done.contains(event.target)) ticket.extend(4000);
  });
  el.preview.addEventListener("error", () => {
    if (el.preview.getAttribute("src")) el.previewBox.hidden = true;
  });
  el.priorityToggle.addEventListener("click", openPriorityPanel);
  el.priorityClose.addEventListener("click", resetPriority);
  el.priorityCancel.addEventListener("click", resetPriority);
  el.priorityPanel.addEventListener("click", (event) => {
    const choice = event.target.closest(".priority-choice");
    if (choice) {
      choosePriority(choice.dataset.reason);
    } else if (event.target === el.priorityPanel) {
      resetPriority();
    }
  });
  document.addEventListener("contextmenu", (event) => {
    event.preventDefault();
  });
  window.addEventListener("resize", grid.scheduleLayout);

  tick();
  window.setInterval(tick, TICK_MS);
  loadServices();
  connect();
}
