// The admin page: renders the settings the server sends and saves each change through the API.
(function () {
  "use strict";

  const $ = (selector) => document.querySelector(selector);
  let settings = null;

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
    if (response.status === 401) {
      window.location.reload();
    }
    if (!response.ok) {
      throw new Error((data.error && data.error.message) || "Permintaan gagal.");
    }
    return data;
  }

  function notify(message, isError) {
    const box = $("#notice");
    box.textContent = message;
    box.classList.toggle("error", Boolean(isError));
    box.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  async function run(action, success) {
    try {
      const result = await action();
      if (result && result.settings) {
        settings = result.settings;
        render();
      }
      notify(success, false);
      return result;
    } catch (error) {
      notify(error.message, true);
      return null;
    }
  }

  function cell(row, content) {
    const td = document.createElement("td");
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    row.appendChild(td);
    return td;
  }

  function input(value, type, attrs) {
    const element = document.createElement("input");
    element.type = type || "text";
    if (type === "checkbox") element.checked = Boolean(value); else element.value = value === undefined || value === null ? "" : value;
    Object.entries(attrs || {}).forEach(([k, v]) => element.setAttribute(k, v));
    return element;
  }

  function button(label, handler, quiet) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    if (quiet) element.className = "quiet";
    element.addEventListener("click", handler);
    return element;
  }

  const codes = (text) => text.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
  const numbers = (text) => text.split(",").map((s) => s.trim()).filter(Boolean).map(Number);

  function renderServices() {
    const body = $("#services-body");
    body.replaceChildren();
    settings.services.forEach((service) => {
      const row = document.createElement("tr");
      cell(row, service.code);
      const name = input(service.name, "text", { "aria-label": "Nama layanan " + service.code });
      const wait = input(service.standard_wait_minutes, "number", { min: 0, "aria-label": "Standar tunggu" });
      const serve = input(service.standard_service_minutes, "number", { min: 0, "aria-label": "Standar layanan" });
      const quota = input(service.daily_quota, "number", { min: 0, "aria-label": "Kuota" });
      const hours = input(service.hours || "", "text", { placeholder: settings.office.hours, "aria-label": "Jam layanan" });
      const enabled = input(service.enabled, "checkbox", { "aria-label": "Aktif" });
      [name, wait, serve, quota, hours, enabled].forEach((element) => cell(row, element));
      cell(row, button("Simpan", () => run(() => api("PUT", "/api/admin/services/" + service.code, {
        name: name.value, standard_wait_minutes: Number(wait.value), standard_service_minutes: Number(serve.value),
        daily_quota: Number(quota.value), hours: hours.value.trim(), enabled: enabled.checked,
      }), "Layanan " + service.code + " disimpan.")));
      body.appendChild(row);
    });
  }

  function renderCounters() {
    const body = $("#counters-body");
    body.replaceChildren();
    settings.counters.forEach((counter) => {
      const row = document.createElement("tr");
      cell(row, String(counter.id));
      const name = input(counter.name, "text", { "aria-label": "Nama loket" });
      const services = input(counter.services.join(", "), "text", { "aria-label": "Layanan" });
      cell(row, name);
      cell(row, services);
      const actions = cell(row, button("Simpan", () => run(() => api("PUT", "/api/admin/counters/" + counter.id, {
        name: name.value, services: codes(services.value),
      }), counter.name + " disimpan.")));
      actions.appendChild(button("Hapus", () => {
        if (window.confirm("Hapus " + counter.name + "?")) {
          run(() => api("DELETE", "/api/admin/counters/" + counter.id), counter.name + " dihapus.");
        }
      }, true));
      body.appendChild(row);
    });
  }

  async function renderUsers() {
    const data = await api("GET", "/api/admin/users").catch((e) => { notify(e.message, true); return { users: [] }; });
    const body = $("#users-body");
    body.replaceChildren();
    data.users.forEach((user) => {
      const row = document.createElement("tr");
      cell(row, user.username);
      const role = document.createElement("select");
      [["officer", "Petugas"], ["supervisor", "Supervisor"], ["admin", "Admin"]].forEach(([value, label]) => {
        role.add(new Option(label, value, false, value === user.role));
      });
      const counters = input((user.counters || []).join(", "), "text", { placeholder: "semua" });
      const active = input(user.active, "checkbox", { "aria-label": "Aktif" });
      [role, counters, active].forEach((element) => cell(row, element));
      const actions = cell(row, button("Simpan", () => run(() => api("PATCH", "/api/admin/users/" + encodeURIComponent(user.username), {
        role: role.value, counters: numbers(counters.value), active: active.checked,
      }), "Pengguna " + user.username + " disimpan.")));
      actions.appendChild(button("Atur ulang sandi", () => {
        const password = window.prompt("Kata sandi baru untuk " + user.username + " (minimal 8 karakter):");
        if (password) {
          run(() => api("PATCH", "/api/admin/users/" + encodeURIComponent(user.username), { password }),
            "Kata sandi " + user.username + " diganti.");
        }
      }, true));
      body.appendChild(row);
    });
  }

  function fillForm(form, values) {
    Array.from(form.elements).forEach((element) => {
      if (!element.name || !(element.name in values)) return;
      if (element.type === "checkbox") element.checked = Boolean(values[element.name]);
      else element.value = values[element.name];
    });
  }

  function statusLine(target, status) {
    if (!status) return;
    target.textContent = status.message || "";
    target.classList.toggle("bad", status.ok === false);
  }

  async function renderAudit() {
    const data = await api("GET", "/api/admin/audit?limit=200").catch(() => ({ entries: [] }));
    const body = $("#audit-body");
    body.replaceChildren();
    data.entries.forEach((entry) => {
      const row = document.createElement("tr");
      cell(row, entry.at.replace("T", " ").slice(0, 19));
      cell(row, entry.username);
      cell(row, entry.action);
      cell(row, entry.target);
      const code = document.createElement("code");
      code.textContent = JSON.stringify(entry.before) + " → " + JSON.stringify(entry.after);
      cell(row, code);
      body.appendChild(row);
    });
  }

  function render() {
    renderServices();
    renderCounters();
    fillForm($("#office-form"), settings.office);
    fillForm($("#survey-form"), settings.survey);
    fillForm($("#voice-form"), settings.voice);
    fillForm($("#printer-form"), settings.printer);
    $("#office-name").textContent = settings.office.name;
  }

  async function load() {
    const data = await api("GET", "/api/admin/settings");
    settings = data.settings;
    statusLine($("#voice-status"), data.voice_status);
    statusLine($("#printer-status"), data.printer_status);
    if (data.has_logo) {
      $("#logo-preview").src = "/logo.png?" + Date.now();
      $("#logo-preview").hidden = false;
    }
    render();
    renderUsers();
  }

  function formValues(form) {
    const values = {};
    Array.from(form.elements).forEach((element) => {
      if (!element.name) return;
      if (element.type === "checkbox") values[element.name] = element.checked;
      else if (element.type === "number") values[element.name] = element.value === "" ? undefined : Number(element.value);
      else values[element.name] = element.value;
    });
    return values;
  }

  function bind() {
    document.querySelectorAll(".admin-tabs button").forEach((tab) => {
      tab.addEventListener("click", () => {
        document.querySelectorAll(".admin-tabs button").forEach((b) => b.classList.toggle("active", b === tab));
        document.querySelectorAll(".tab").forEach((section) => { section.hidden = section.id !== "tab-" + tab.dataset.tab; });
        if (tab.dataset.tab === "audit") renderAudit();
        if (tab.dataset.tab === "users") renderUsers();
      });
    });
    $("#service-add").addEventListener("submit", (event) => {
      event.preventDefault();
      const values = formValues(event.target);
      values.code = values.code.toUpperCase();
      run(() => api("POST", "/api/admin/services", values), "Layanan " + values.code + " ditambahkan.")
        .then((ok) => ok && event.target.reset());
    });
    $("#counter-add").addEventListener("submit", (event) => {
      event.preventDefault();
      const values = formValues(event.target);
      values.services = codes(values.services);
      run(() => api("POST", "/api/admin/counters", values), values.name + " ditambahkan.")
        .then((ok) => ok && event.target.reset());
    });
    $("#user-add").addEventListener("submit", (event) => {
      event.preventDefault();
      const values = formValues(event.target);
      values.counters = numbers(values.counters);
      run(() => api("POST", "/api/admin/users", values), "Pengguna " + values.username + " ditambahkan.")
        .then((ok) => { if (ok) { event.target.reset(); renderUsers(); } });
    });
    [["#office-form", "office", "Profil kantor disimpan."], ["#survey-form", "survey", "Pengaturan survei disimpan."], ["#voice-form", "voice", "Pengaturan suara disimpan."],
      ["#printer-form", "printer", "Pengaturan printer disimpan."]].forEach(([selector, section, message]) => {
      $(selector).addEventListener("submit", (event) => {
        event.preventDefault();
        const values = formValues(event.target);
        if (section === "printer") values.width_mm = Number(values.width_mm);
        run(() => api("PUT", "/api/admin/settings/" + section, values), message).then(() => load());
      });
    });
    $("#logo-form").addEventListener("submit", (event) => {
      event.preventDefault();
      run(() => api("POST", "/api/admin/logo", new FormData(event.target), true), "Logo diunggah.").then(() => load());
    });
    $("#printer-test").addEventListener("click", () => {
      run(() => api("POST", "/api/admin/printer/test"), "Tiket uji dikirim ke printer.")
        .then(() => setTimeout(load, 1500));
    });
    $("#logout").addEventListener("click", async () => {
      await api("POST", "/api/logout").catch(() => null);
      window.location.reload();
    });
  }

  bind();
  load().catch((error) => notify(error.message, true));
  if (window.io) {
    // Other admins' changes arrive live.
    window.io({ transports: ["websocket", "polling"] }).on("config_changed", () => load().catch(() => null));
  }
})();
