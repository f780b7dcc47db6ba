// The waiting-room display: wires the socket, the calls panel, the clock, the running text, the sound
// and the media area together.
//
// Live by push only: on every (re)connect the server sends the `state` snapshot, then
// `ticket_called`, `ticket_updated` and `queue_changed`. Nothing is polled. While the socket is
// down a small "Offline" mark shows and the socket keeps reconnecting (lib/socket.js: every
// 0.5-3 s), so a restarted server is shown again within seconds, without reloading the page.
// The clock is the server's (lib/clock.js): the TV PC's own clock may be wrong.
//
// Sound: see audio.js. On a TV PC start Chromium with
//   chromium --kiosk --autoplay-policy=no-user-gesture-required http://SERVER:8000/display
// so that announcements play without anyone clicking "Aktifkan suara".

import { now, startClock } from "../common/lib/clock.js";
import { AnnouncementPlayer } from "./audio.js";
import { CallsPanel } from "./calls.js";
import { MediaArea } from "./media.js";
import { $ } from "../common/lib/dom.js";
import { openSocket } from "../common/lib/socket.js";

const TICKER_SPEED_REM_PER_SECOND = 7;

/** The running text: a CSS animation whose duration keeps a steady, readable speed. */
class Ticker {
  constructor(footer, textEl) {
    this.footer = footer;
    this.textEl = textEl;
    this.track = textEl.parentElement;
    window.addEventListener("resize", () => this.measure());
    this.measure();
  }

  setText(text) {
    const value = (text || "").trim();
    this.footer.hidden = value === "";
    if (value === this.textEl.textContent) return;
    this.textEl.textContent = value;
    this.measure();
  }

  measure() {
    if (this.footer.hidden) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const distance = this.textEl.scrollWidth; // the text plus a full track width of run-in
    const speed = rem * TICKER_SPEED_REM_PER_SECOND;
    const seconds = Math.max(10, distance / speed);
    // Start with the text already half-way in, so a freshly loaded screen is never blank there.
    const delay = -Math.min(seconds / 2, this.track.clientWidth / 2 / speed);
    this.track.style.setProperty("--ticker-duration", `${seconds.toFixed(1)}s`);
    this.track.style.setProperty("--ticker-delay", `${delay.toFixed(1)}s`);
  }
}

/** The office logo uploaded by the admin; the "PTSP" mark stays when there is none. */
class Logo {
  constructor(image, mark) {
    this.image = image;
    this.mark = mark;
    image.addEventListener("load", () => {
      image.hidden = false;
      mark.hidden = true;
    });
    image.addEventListener("error", () => {
      image.hidden = true;
      mark.hidden = false;
    });
    if (image.dataset.exists !== "false") this.reload();
  }

  /** Fetch the logo again (the admin may have uploaded a new one). */
  reload() {
    this.image.src = `${this.image.dataset.src}?v=${now()}`;
  }
}

function mediaArea(root) {
  let urls;
  try {
    urls = JSON.parse(root.dataset.media || "[]");
  } catch {
    urls = [];
  }
  const area = new MediaArea($("#media"), urls, root.dataset.slideSeconds);
  area.start();
  return area;
}

/** The announcement player and its "Aktifkan suara" banner beside the running text. */
function soundPlayer(root, media) {
  const banner = $("#sound-unlock");
  const player = new AnnouncementPlayer({
    chimeUrl: root.dataset.chimeUrl,
    onSound: (sound) => {
      root.dataset.sound = sound;
      banner.hidden = sound !== "blocked";
    },
    onBusy: (busy) => {
      media.duck(busy);
      root.dataset.announcing = String(busy);
    },
  });
  // One click anywhere counts (a mouse or a remote): the browser then allows sound for this page.
  document.addEventListener("click", () => {
    if (root.dataset.sound !== "blocked") return;
    banner.hidden = true;
    player.unlock();
    media.soundAllowed();
  });
  root.dataset.sound = "unknown";
  // When this screen plays sound at all, find out now whether the browser lets it (the banner).
  if (root.dataset.soundHere !== "false") player.probe();
  return player;
}

/** What each server push does to the screen. */
function pushHandlers({ calls, clock, ticker, logo, player, media, debug }) {
  const officeName = $("#office-name");
  const officeFullName = $("#office-full-name");
  return {
    state(state) {
      debug.states += 1;
      if (state.office) {
        officeName.textContent = state.office.short_name || state.office.name;
        officeFullName.textContent = state.office.name;
        ticker.setText(state.office.running_text);
        clock.setTimezone(state.office.timezone);
        calls.setTimezone(state.office.timezone);
      }
      if (state.display) media.update(state.display.media, state.display.slide_seconds);
      calls.setHighlightSeconds(state.highlight_seconds);
      calls.applyState(state);
    },
    ticket_called(payload) {
      debug.calls += 1;
      calls.showCall(payload);
      const number = payload.ticket ? payload.ticket.number : "";
      const audioUrl = (payload.announcement && payload.announcement.audio_url) || null;
      debug.announced.push({ number, audioUrl, recall: Boolean(payload.recall) });
      if (debug.announced.length > 50) debug.announced.shift();
      player.enqueue(audioUrl, number);
    },
    ticket_updated(payload) {
      calls.updateTicket(payload && payload.ticket);
    },
    queue_changed(payload) {
      calls.setWaiting((payload && payload.waiting) || {});
    },
    config_changed() {
      logo.reload(); // a fresh `state` follows this event
    },
  };
}

/** The socket: the snapshot on every (re)connect, the pushes, and the "Offline" mark. */
function connect(root, handlers) {
  const offlineMark = $("#offline-mark");
  const socket = openSocket({
    onOnline: (online) => {
      root.dataset.online = online ? "online" : "offline";
      offlineMark.hidden = online;
    },
  });
  if (!socket) return null;
  for (const [name, handler] of Object.entries(handlers)) socket.on(name, handler);
  // A tab that slept (screen saver, power saving) may have missed pushes: ask for the truth.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && socket.connected) socket.emit("state");
  });
  return socket;
}

function start() {
  const root = $("#display");
  const calls = new CallsPanel(root);
  calls.setTimezone(root.dataset.timezone);
  calls.setHighlightSeconds(root.dataset.highlightSeconds);
  const clock = startClock({ date: $("#clock-date"), time: $("#clock-time") }, root.dataset.timezone);
  const ticker = new Ticker($("#ticker"), $("#ticker-text"));
  const logo = new Logo($("#brand-logo"), $("#brand-mark"));
  const media = mediaArea(root);
  const player = soundPlayer(root, media);
  const refit = () => calls.fit();
  window.addEventListener("resize", refit);
  document.fonts.ready.then(refit);

  // Read by the browser tests, and handy in the devtools console of a TV that misbehaves.
  const debug = { loadedAt: now(), states: 0, calls: 0, announced: [], player, panel: calls };
  Object.defineProperty(debug, "online", { get: () => root.dataset.online === "online" });
  Object.defineProperty(debug, "audioLog", { get: () => player.log.filter((entry) => entry.kind !== "probe") });
  const handlers = pushHandlers({ calls, clock, ticker, logo, player, media, debug });
  debug.media = media;
  debug.dispatch = (name, payload) => handlers[name](payload); // the same path as a push
  window.loketDisplay = debug;
  connect(root, handlers);
}

start();
