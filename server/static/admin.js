// The admin page's core: the API wrapper, notices, tabs and the settings every section renders.
// Each section lives in its own script (admin.<section>.js) and registers itself here with
// LoketAdmin.section(name, {bind, render, show}); render(settings, data) runs after every load,
// show() when its tab is opened. Another admin's change arrives live (config_changed).
(function () {
  "use strict";

  const sections = new Map();
  const state = { settings: null, data: null };

  async function api(method, url, body, isForm) {
    const options = { method, headers: {}, credentials: "same-origin" };
    if (body !== undefined) {
      if (isForm) {
        options.body = body;
      } else {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
    }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) window.location.reload();
    if (!response.ok) throw new Error((data.error && data.error.message) || "Permintaan gagal (" + response.status + ").");
    return data;
  }

  function notify(message, isError) {
    const box = document.getElementById("notice");
    box.textContent = message;
    box.classList.toggle("error", Boolean(isError));
    box.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => { box.hidden = true; }, isError ? 9000 : 6000);
  }

  /** Run an API call; on success show `success` (and the server's warning, if any) and redraw. */
  async function run(action, success) {
    try {
      const result = await action();
      if (result && result.settings) {
        state.settings = result.settings;
        render();
      }
      notify(result && result.warning ? success + " " + result.warning : success, false);
      return result || {};
    } catch (error) {
      notify(error.message, true);
      return null;
    }
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key === "checked") node.checked = Boolean(value);
      else if (key === "value") node.value = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => { if (child !== null && child !== undefined) node.append(child); });
    return node;
  }

  function fillForm(form, values) {
    Array.from(form.elements).forEach((element) => {
      if (!element.name || !(element.name in values)) return;
      if (element.type === "checkbox") element.checked = Boolean(values[element.name]);
      else if (element.type !== "file") element.value = values[element.name] === null ? "" : values[element.name];
    });
  }

  function formValues(form) {
    const values = {};
    Array.from(form.elements).forEach((element) => {
      if (!element.name || element.type === "file" || element.closest("[data-service-checks], [data-counter-checks]")) return;
      if (element.type === "checkbox") values[element.name] = element.checked;
      else if (element.dataset.number !== undefined) values[element.name] = element.value.trim() === "" ? undefined : Number(element.value);
      else values[element.name] = element.value;
    });
    return values;
  }

  function statusLine(target, status) {
    if (!target || !status) return;
    target.textContent = status.message || "";
    target.classList.toggle("bad", status.ok === false);
  }

  function render() {
    document.getElementById("office-name").textContent = state.settings.office.name;
    sections.forEach((section) => { if (section.render) section.render(state.settings, state.data); });
  }

  async function load() {
    const data = await api("GET", "/api/admin/settings");
    state.settings = data.settings;
    state.data = data;
    render();
  }

  function showTab(name) {
    document.querySelectorAll(".admin-tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    document.querySelectorAll(".tab").forEach((tab) => { tab.hidden = tab.id !== "tab-" + name; });
    const section = sections.get(name);
    if (section && section.show) section.show();
  }

  window.LoketAdmin = {
    api, notify, run, el, fillForm, formValues, statusLine, load, state,
    /** Register a section: {bind(), render(settings, data), show()}. */
    section(name, parts) { sections.set(name, parts); },
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".admin-tabs button").forEach((tab) => {
      tab.addEventListener("click", () => showTab(tab.dataset.tab));
    });
    document.getElementById("logout").addEventListener("click", async () => {
      await api("POST", "/api/logout").catch(() => null);
      window.location.reload();
    });
    sections.forEach((section) => { if (section.bind) section.bind(); });
    load().then(() => showTab(document.querySelector(".admin-tabs button.active").dataset.tab))
      .catch((error) => notify(error.message, true));
    if (window.io) {
      window.io({ transports: ["websocket", "polling"] }).on("config_changed", () => load().catch(() => null));
    }
  });
})();
