/* Shared by the officer console, the supervisor board and their login page: the JSON API,
   the server's clock, time formatting, the office's words, login and logout. */
(function () {
  "use strict";

  // Every sentence the scripts show, in one place (an English catalog would be a second copy).
  const TEXT = {
    networkError: "Tidak dapat menghubungi server. Periksa jaringan, lalu coba lagi.",
    sessionEnded: "Sesi Anda telah berakhir. Silakan masuk kembali.",
    fillIn: "Isi nama pengguna dan kata sandi.",
    signingIn: "Sedang masuk…",
    connected: "Terhubung",
    connecting: "Menyambung…",
    disconnected: "Terputus — menyambung ulang…",
    minutes: "mnt",
    seconds: "dtk",
    standard: "standar",
  };

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** Call the JSON API; resolves with the body, rejects with an ApiError carrying the
      server's Indonesian message. */
  async function api(method, path, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      throw new ApiError(0, "network_error", TEXT.networkError);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const message = response.status === 401 && error.code === "unauthenticated"
        ? TEXT.sessionEnded : error.message || TEXT.networkError;
      throw new ApiError(response.status, error.code || "http_" + response.status, message);
    }
    return data;
  }

  // ---- the server's clock ---------------------------------------------------------------
  let offset = 0;

  /** Align with the server's time (an ISO string it sent), so timers agree across PCs. */
  function syncClock(serverTime) {
    const at = Date.parse(serverTime || "");
    if (!Number.isNaN(at)) offset = at - Date.now();
  }

  function now() {
    return Date.now() + offset;
  }

  /** Seconds from an ISO time until now (or until `until`, another ISO time). */
  function secondsSince(isoTime, until) {
    if (!isoTime) return null;
    const end = until ? Date.parse(until) : now();
    return Math.max(0, Math.floor((end - Date.parse(isoTime)) / 1000));
  }

  // ---- formatting -----------------------------------------------------------------------
  function pad(n) {
    return String(n).padStart(2, "0");
  }

  /** A running timer: 4:05, 12:30, 1:02:03. */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  }

  /** An average, in words: "12 mnt", "45 dtk". */
  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    if (seconds < 60) return `${Math.round(seconds)} ${TEXT.seconds}`;
    return `${Math.round(seconds / 60)} ${TEXT.minutes}`;
  }

  /** "ok", "warn" (at least 80 % of the standard) or "over" (at least 100 %). */
  function level(seconds, standardMinutes) {
    if (seconds === null || seconds === undefined || !standardMinutes) return "ok";
    const share = seconds / (standardMinutes * 60);
    if (share >= 1) return "over";
    if (share >= 0.8) return "warn";
    return "ok";
  }

  /** A clock element ticking in the office's time zone, in Indonesian. */
  function startClock(element, timeZone) {
    if (!element) return;
    const format = new Intl.DateTimeFormat("id-ID", {
      timeZone, weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
    });
    const draw = () => { element.textContent = format.format(new Date(now())); };
    draw();
    setInterval(draw, 1000);
  }

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  /** Show the socket's state in a small badge. */
  function showConnection(element, state) {
    if (!element) return;
    element.dataset.state = state;
    element.textContent = TEXT[state] || state;
  }

  // ---- login and logout -----------------------------------------------------------------
  function setUpLogin(form) {
    const error = form.querySelector("[data-login-error]");
    const select = form.querySelector("[data-counter-select]");
    const submit = form.querySelector("button[type=submit]");
    const remembered = new URLSearchParams(location.search).get("loket") || localStorage.getItem("loket.counter");
    if (select && remembered && select.querySelector(`option[value="${CSS.escape(remembered)}"]`)) {
      select.value = remembered;
    }
    const show = (message) => {
      error.textContent = message;
      error.hidden = !message;
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const username = form.elements.username.value.trim();
      const password = form.elements.password.value;
      if (!username || !password) {
        show(TEXT.fillIn);
        return;
      }
      const body = { username, password };
      if (select) body.counter = Number(select.value);
      submit.disabled = true;
      show("");
      try {
        await api("POST", "/api/login", body);
        if (select) localStorage.setItem("loket.counter", select.value);
        location.reload();
      } catch (err) {
        show(err.message);
        form.elements.password.value = "";
        form.elements.password.focus();
        submit.disabled = false;
      }
    });
  }

  async function logout() {
    try {
      await api("POST", "/api/logout");
    } finally {
      location.reload();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("[data-login-form]");
    if (form) setUpLogin(form);
    document.querySelectorAll("[data-logout]").forEach((button) => {
      button.addEventListener("click", logout);
    });
  });

  window.Loket = {
    TEXT, ApiError, api, syncClock, now, secondsSince, duration, minutes, level, startClock,
    debounce, showConnection,
  };
})();
