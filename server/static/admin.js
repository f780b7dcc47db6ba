// The admin page's core: the API wrapper, notices, tabs and the settings every section renders.
// Each section lives in its own module (admin.<section>.js) and registers itself here with
// section(name, {bind, render, show}); render(settings, data) runs after every load, show() when
// its tab is opened. Another admin's change arrives live (config_changed).

import { staffApi } from "./lib/api.js";
import { $, $$, element, notice } from "./lib/dom.js";
import { logout } from "./lib/session.js";
import { openSocket } from "./lib/socket.js";

const sections = new Map();
export const state = { settings: null, data: null };

export { staffApi as api };

/** A notice on top of the page, red when `isError`; it goes away by itself. */
export function notify(message, isError) {
  notice($("#notice"), message, isError, isError ? 9000 : 6000);
}

/** Run an API call; on success show `success` (and the server's warning, if any) and redraw. */
export async function run(action, success) {
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

/** A ticked-or-not checkbox per choice `[value, label, checked]`, each in its label. */
export function checkboxes(choices, name) {
  return choices.map(([value, label, checked]) =>
    element("label", { className: "check" }, [
      element("input", { type: "checkbox", name, value, checked }),
      " " + label,
    ]),
  );
}

/** The values of the ticked checkboxes inside `root`. */
export function ticked(root) {
  return $$("input[type=checkbox]:checked", root).map((box) => box.value);
}

/** On submit (checked by admin.forms.js first), call `handler(values, form)` with the form's values. */
export function onSubmit(form, handler) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    handler(formValues(form), form);
  });
}

export function fillForm(form, values) {
  Array.from(form.elements).forEach((field) => {
    if (!field.name || !(field.name in values)) return;
    if (field.type === "checkbox") field.checked = Boolean(values[field.name]);
    else if (field.type !== "file") field.value = values[field.name] === null ? "" : values[field.name];
  });
}

export function formValues(form) {
  const values = {};
  Array.from(form.elements).forEach((field) => {
    if (!field.name || field.type === "file" || field.closest("[data-service-checks], [data-counter-checks]")) return;
    if (field.type === "checkbox") values[field.name] = field.checked;
    else if (field.dataset.number !== undefined)
      values[field.name] = field.value.trim() === "" ? undefined : Number(field.value);
    else values[field.name] = field.value;
  });
  return values;
}

export function statusLine(target, status) {
  if (!target || !status) return;
  target.textContent = status.message || "";
  target.classList.toggle("bad", status.ok === false);
}

function render() {
  $("#office-name").textContent = state.settings.office.name;
  sections.forEach((section) => {
    if (section.render) section.render(state.settings, state.data);
  });
}

/** Fetch the settings again and redraw every section. */
export async function load() {
  const data = await staffApi("GET", "/api/admin/settings");
  state.settings = data.settings;
  state.data = data;
  render();
}

function showTab(name) {
  $$(".admin-tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  $$(".tab").forEach((tab) => {
    tab.hidden = tab.id !== "tab-" + name;
  });
  const section = sections.get(name);
  if (section && section.show) section.show();
}

/** Register a section: {bind(), render(settings, data), show()}. */
export function section(name, parts) {
  sections.set(name, parts);
}

// Every section module has run by now (modules run in order, before DOMContentLoaded).
document.addEventListener("DOMContentLoaded", () => {
  $$(".admin-tabs button").forEach((tab) => {
    tab.addEventListener("click", () => showTab(tab.dataset.tab));
  });
  $("#logout").addEventListener("click", logout);
  sections.forEach((part) => {
    if (part.bind) part.bind();
  });
  load()
    .then(() => showTab($(".admin-tabs button.active").dataset.tab))
    .catch((error) => notify(error.message, true));
  const socket = openSocket();
  if (socket) socket.on("config_changed", () => load().catch(() => null));
});
