/* The supervisor's board: every counter and every service, live. It asks /api/board for the
   whole picture when the socket (re)connects, then applies the server's pushes to it in place
   (board.live.js), as the TV does; timers tick locally between pushes. */
import { BoardPicture } from "./board.live.js";
import { api } from "./lib/api.js";
import { secondsSince, startClock, syncClock } from "./lib/clock.js";
import { connectionBadge } from "./lib/connection.js";
import { $, $$, debounce, element } from "./lib/dom.js";
import { clockFormat, duration, level, minutes } from "./lib/format.js";
import { statusLabel } from "./lib/labels.js";
import { overtimeMessage } from "./lib/overtime.js";
import "./lib/session.js";
import { openSocket } from "./lib/socket.js";

const FIGURES_MS = 10000; // the figures no push carries are asked again at most this often

const root = $("[data-board]");
if (root) startBoard(root);

function startBoard(root) {
  const TEXT = {
    nobody: "Belum ada petugas hari ini",
    lastCaller: (time) => `panggilan terakhir ${time}`,
    since: (time) => `masuk ${time}`,
    idle: "Kosong",
    sinceCall: "sejak dipanggil",
    serviceTime: (minutes) => `layanan · standar ${minutes} mnt`,
    today: (c) => [
      `${c.served} dilayani`,
      `${c.no_shows} tidak hadir`,
      `rata-rata layanan ${minutes(c.avg_service_seconds)}`,
    ],
    nobodyWaiting: "tidak ada",
    standard: (minutes) => `standar ${minutes} mnt`,
    noCounter: "belum ada loket",
    counter: (id) => `Loket ${id}`,
  };
  const timeFormat = clockFormat(root.dataset.timezone);

  const picture = new BoardPicture();
  let board = null;

  async function load() {
    const error = $("[data-board-error]");
    try {
      board = await api("GET", "/api/board");
      picture.load(board);
      syncClock(board.server_time);
      error.hidden = true;
      render();
      root.dataset.loads = String(Number(root.dataset.loads || 0) + 1);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      if (err.status === 401 || err.status === 403) setTimeout(() => location.reload(), 2500);
    }
  }
  const refresh = debounce(load, 150);

  // The figures no push carries: one fetch at most every FIGURES_MS, however busy the office.
  let figuresTimer = null;
  function figuresStale() {
    if (figuresTimer !== null) return;
    figuresTimer = setTimeout(() => {
      figuresTimer = null;
      load();
    }, FIGURES_MS);
  }

  // ---- drawing --------------------------------------------------------------------------
  function node(tag, className, text) {
    return element(tag, { className, text });
  }

  function render() {
    renderCounters();
    renderServices();
    renderUnfinished();
    tick();
  }

  function renderUnfinished() {
    const section = $("[data-unfinished]");
    const list = $("[data-unfinished-list]");
    const tickets = board.unfinished || [];
    list.replaceChildren(
      ...tickets.map((t) => {
        const where = t.counter ? ` · Loket ${t.counter}` : "";
        const who = t.officer ? ` · ${t.officer}` : "";
        return node("li", "", `${t.number}${where}${who} (${t.day})`);
      }),
    );
    section.hidden = tickets.length === 0;
  }

  function renderCounters() {
    const template = $("[data-counter-template]");
    const services = Object.fromEntries(board.services.map((s) => [s.code, s]));
    const cards = board.counters.map((counter) => {
      const card = template.content.firstElementChild.cloneNode(true);
      const field = (name) => $(`[data-field="${name}"]`, card);
      card.dataset.counter = String(counter.id);
      field("name").textContent = counter.name;
      field("services").replaceChildren(
        ...counter.services.map((code) => {
          const chip = node("li", "", code);
          chip.title = (services[code] || {}).name || code;
          return chip;
        }),
      );
      const officer = field("officer");
      if (counter.officers.length) {
        officer.replaceChildren(
          ...counter.officers.map((o) => {
            const who = node("span", "officer-name", o.full_name || o.username);
            who.title = TEXT.since(timeFormat.format(new Date(o.since)));
            return who;
          }),
        );
        officer.dataset.present = "true";
      } else if (counter.last_caller) {
        // Logins made before the server last started are not known: name who called last.
        const time = counter.last_called_at ? timeFormat.format(new Date(counter.last_called_at)) : "";
        officer.replaceChildren(
          node("span", "officer-name is-past", counter.last_caller_name || counter.last_caller),
          node("span", "officer-note", TEXT.lastCaller(time)),
        );
        officer.dataset.present = "past";
      } else {
        officer.textContent = TEXT.nobody;
        officer.dataset.present = "false";
      }
      const current = counter.current;
      card.dataset.status = current ? current.status : "idle";
      field("number").textContent = current ? current.number : "—";
      field("status").textContent = current ? statusLabel(current.status) : TEXT.idle;
      const timer = field("timer");
      if (current) {
        const service = services[current.service] || {};
        timer.dataset.since =
          current.status === "serving" ? current.started_at : current.last_called_at || current.called_at;
        timer.dataset.standard = current.status === "serving" ? String(service.standard_service_minutes || "") : "";
        timer.dataset.label =
          current.status === "serving" ? TEXT.serviceTime(service.standard_service_minutes) : TEXT.sinceCall;
      }
      field("today").replaceChildren(...TEXT.today(counter.today).map((part) => node("span", "", part)));
      return card;
    });
    $("[data-counters]").replaceChildren(...cards);
  }

  function renderServices() {
    const rows = board.services.map((service) => {
      const row = node("tr");
      row.dataset.service = service.code;
      const name = node("th");
      name.scope = "row";
      name.append(node("b", "service-code", service.code), node("span", "service-name", service.name));
      const longest = node("td", "wide");
      const cell = node("div", "wait-cell");
      const wait = node("span", "wait-value");
      wait.dataset.since = service.oldest_waiting_since || "";
      wait.dataset.standard = String(service.standard_wait_minutes);
      const meter = node("span", "meter");
      meter.append(node("span"));
      cell.append(wait, node("span", "wait-standard", TEXT.standard(service.standard_wait_minutes)), meter);
      longest.append(cell);
      const waiting = node("td", "num waiting-count", String(service.waiting));
      waiting.dataset.zero = String(service.waiting === 0);
      row.append(
        name,
        waiting,
        longest,
        node("td", "num", String(service.today.served)),
        node("td", "num", String(service.today.no_shows)),
        node("td", "num", minutes(service.today.avg_wait_seconds)),
        node("td", "num", minutes(service.today.avg_service_seconds)),
        node("td", "counters-cell", service.counters.length ? service.counters.join(", ") : TEXT.noCounter),
      );
      return row;
    });
    $("[data-services]").replaceChildren(...rows);
    const total = (key) => board.services.reduce((sum, s) => sum + (s.today[key] || 0), 0);
    $('[data-total="waiting"]').textContent = String(board.services.reduce((sum, s) => sum + s.waiting, 0));
    $('[data-total="served"]').textContent = String(total("served"));
    $('[data-total="no_shows"]').textContent = String(total("no_shows"));
  }

  /** Advance every timer and recolour it against its standard; count the alerts. */
  function tick() {
    if (!board) return;
    let alerts = 0;
    for (const row of $$("[data-services] tr")) {
      const wait = $(".wait-value", row);
      const seconds = wait.dataset.since ? secondsSince(wait.dataset.since) : null;
      const mark = seconds === null ? "none" : level(seconds, Number(wait.dataset.standard));
      wait.textContent = seconds === null ? TEXT.nobodyWaiting : duration(seconds);
      row.dataset.level = mark;
      const share = seconds === null ? 0 : seconds / (Number(wait.dataset.standard) * 60);
      $(".meter > span", row).style.width = Math.min(100, share * 100).toFixed(1) + "%";
      if (mark === "over") alerts += 1;
    }
    for (const card of $$("[data-counters] .counter-card")) {
      const timer = $('[data-field="timer"]', card);
      if (!timer.dataset.since) {
        timer.textContent = "";
        card.dataset.level = "none";
        continue;
      }
      const seconds = secondsSince(timer.dataset.since);
      const mark = level(seconds, Number(timer.dataset.standard));
      card.dataset.level = mark;
      timer.textContent = `${duration(seconds)} ${timer.dataset.label}`;
      if (mark === "over") alerts += 1;
    }
    const alertCell = $('[data-total="alerts"]');
    alertCell.textContent = String(alerts);
    alertCell.dataset.alert = String(alerts > 0);
  }

  // ---- live updates ---------------------------------------------------------------------
  const conn = $("[data-conn]");
  const socket = openSocket();
  connectionBadge(conn, socket);
  // Every (re)connect brings a `state`: the whole picture again (what was missed meanwhile).
  socket.on("state", refresh);
  // These two say only that something changed (who sits where, a user's name, the settings).
  socket.on("presence_changed", refresh);
  socket.on("config_changed", refresh);
  const apply = (changed) => {
    if (changed === "stale") figuresStale();
    if (changed) render();
  };
  socket.on("ticket_called", (call) => apply(picture.ticket(call && call.ticket)));
  socket.on("ticket_updated", (message) => apply(picture.ticket(message && message.ticket)));
  socket.on("queue_changed", (message) => apply(picture.waiting(message && message.waiting)));
  // The server's over-time alerts, newest first, kept short; the timers colour themselves.
  const alertList = $("[data-overtime]");
  socket.on("ticket_overtime", (alert) => {
    if (!alertList) return;
    alertList.prepend(element("li", { text: overtimeMessage(alert) }));
    while (alertList.children.length > 8) alertList.lastElementChild.remove();
    alertList.hidden = false;
  });

  startClock($("[data-clock]"), root.dataset.timezone);
  setInterval(tick, 1000);
  load();
}
