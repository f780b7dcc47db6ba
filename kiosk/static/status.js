/* The visitor's status page (the QR target): follows one ticket over the socket. */
import { now, syncClock } from "../common/lib/clock.js";
import { $, setText } from "../common/lib/dom.js";
import { clockFormat, zoneName } from "../common/lib/format.js";
import { openSocket } from "../common/lib/socket.js";
import { estimate, t } from "./text.js";

const root = $("#status");
if (root) followTicket(root);

function followTicket(root) {
  // The page was drawn at the server's time: "Diperbarui pukul …" follows it, not the phone's.
  syncClock(root.dataset.serverTime);
  const TOKEN = root.dataset.token;
  const TIMEZONE = root.dataset.timezone || "Asia/Jakarta";
  const VIBRATION = [400, 200, 400, 200, 600];

  const el = {
    banner: $("#offline-banner"),
    number: $("#status-number"),
    service: $("#status-service"),
    priority: $("#status-priority"),
    note: $("#status-note"),
    headline: $("#status-headline-text"),
    counter: $("#status-counter"),
    sub: $("#status-sub"),
    facts: $("#status-facts"),
    ahead: $("#status-ahead"),
    estimate: $("#status-estimate"),
    updated: $("#status-updated"),
    hint: $("#status-hint"),
    survey: $("#status-survey"),
  };

  const timeFormat = clockFormat(TIMEZONE);
  const zone = zoneName(TIMEZONE, new Date(now()));
  const baseTitle = document.title;
  let lastCall = null; // the call (see callId) we already alerted for
  let current = null;

  function counterName(ticket) {
    return (ticket.counter && ticket.counter.name) || t("status_counter_fallback");
  }

  /** Headline, sub-line and counter (shown large) for each status, in the office's words. */
  function describe(ticket) {
    const counter = counterName(ticket);
    switch (ticket.status) {
      case "waiting":
        return [t("status_waiting"), ""];
      case "called":
        return [t("status_called"), t("status_called_sub"), counter];
      case "serving":
        return [t("status_serving"), "", counter];
      case "done":
        return [t("status_done"), t("status_done_sub")];
      case "no_show":
        return [t("status_no_show"), t("status_no_show_sub")];
      case "cancelled":
        return [t("status_cancelled"), t("status_cancelled_sub")];
      case "transferred":
        return [t("status_transferred"), t("status_transferred_sub")];
      case "expired":
        return [t("status_expired"), t("status_expired_sub")];
      case "unfinished":
        return [t("status_unfinished"), t("status_unfinished_sub")];
      default:
        return [ticket.status_label || ticket.status, ""];
    }
  }

  /** Which call this is: the count goes up with each recall (times only have whole seconds). */
  function callId(ticket) {
    return String(ticket.call_count || 0) + "@" + (ticket.last_called_at || ticket.called_at || "");
  }

  function alertCalled(ticket) {
    const id = callId(ticket);
    if (lastCall === id) return;
    lastCall = id;
    if (navigator.vibrate) {
      try {
        navigator.vibrate(VIBRATION);
      } catch {
        /* not allowed before a tap: fine */
      }
    }
  }

  function render(ticket) {
    const first = current === null;
    current = ticket;
    root.dataset.state = ticket.status;
    setText(el.number, ticket.number);
    setText(el.service, ticket.service_name || ticket.service);
    el.priority.hidden = !ticket.priority;
    if (ticket.priority) {
      setText(
        el.priority,
        t("priority_with", {
          label: ticket.priority_label || "",
        }),
      );
    }
    el.note.hidden = !ticket.transferred_from;
    setText(el.note, ticket.transferred_from ? t("status_transferred_note") : "");

    const words = describe(ticket);
    setText(el.headline, words[0]);
    setText(el.counter, words[2] || "");
    el.counter.hidden = !words[2];
    setText(el.sub, words[1]);
    el.sub.hidden = !words[1];

    // After service the visitor is asked for the satisfaction survey (IKM).
    el.survey.hidden = ticket.status !== "done";

    const waiting = ticket.status === "waiting";
    el.facts.hidden = !waiting;
    // "Stay in the waiting room" only while there is a call to wait for.
    el.hint.hidden = !waiting;
    if (waiting) {
      setText(el.ahead, ticket.ahead ? t("people", { n: ticket.ahead }) : t("people_none"));
      setText(el.estimate, estimate(ticket));
    }

    if (ticket.status === "called") {
      document.title = t("status_title_called", { counter: counterName(ticket), number: ticket.number });
      // The page opened while already called needs no buzz; a call that arrives live does.
      if (first) {
        lastCall = callId(ticket);
      } else {
        alertCalled(ticket);
      }
    } else {
      document.title = baseTitle;
    }
    setText(
      el.updated,
      t("status_updated", {
        time: (timeFormat.format(new Date(now())) + " " + zone).trim(),
      }),
    );
  }

  function setOnline(online) {
    // "watching" turns true again once the server has answered watch_ticket after a (re)connect.
    if (!online) root.dataset.watching = "false";
    el.banner.hidden = online;
    root.classList.toggle("is-offline", !online);
  }

  try {
    render(JSON.parse(root.dataset.ticket));
  } catch {
    /* the server-rendered text stays */
  }

  // `screen=status`: the server keeps visitors' phones to a share of its connections of their own.
  const socket = openSocket({ query: { screen: "status" }, onOnline: setOnline });
  if (!socket) return;
  const HIDDEN_RELEASE_MS = 60000;
  let hiddenTimer = null;
  let watchPending = false;

  function watch() {
    // Several queue changes in a burst need one answer, not one each.
    if (watchPending || !socket.connected) return;
    watchPending = true;
    socket.emit("watch_ticket", { token: TOKEN });
  }

  socket.on("connect", () => {
    watchPending = false;
    watch(); // joins the ticket's room again after every reconnect
  });
  socket.on("ticket_status", (data) => {
    watchPending = false;
    root.dataset.watching = "true";
    if (data && data.ticket) render(data.ticket);
  });
  socket.on("queue_changed", () => {
    // People ahead move without this ticket changing: ask for a fresh position.
    if (current && current.status === "waiting") watch();
  });
  socket.on("error", (error) => {
    watchPending = false;
    if (error && error.code) {
      setText(el.headline, error.message || t("status_missing"));
      el.counter.hidden = true;
      el.sub.hidden = true;
      el.facts.hidden = true;
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      clearTimeout(hiddenTimer);
      hiddenTimer = null;
      if (socket.connected) {
        watch();
      } else {
        socket.connect();
      }
    } else if (hiddenTimer === null) {
      // A phone back in its owner's pocket needs no open connection (each one holds a server
      // thread); looked at again, it reconnects and asks for the ticket's state at once.
      hiddenTimer = setTimeout(() => {
        hiddenTimer = null;
        socket.disconnect();
      }, HIDDEN_RELEASE_MS);
    }
  });
}
