// Signing in and out on the staff pages (officer console, board, reports, survey tablet): every
// form marked data-login-form and every button marked data-logout on the page.

import { api } from "./api.js";
import { $, $$ } from "./dom.js";

/** The sign-in form: the counter comes from its select (officer) or its data-counter (tablet). */
function setUpLogin(form) {
  const error = $("[data-login-error]", form);
  const select = $("[data-counter-select]", form);
  const submit = $("button[type=submit]", form);
  const remembered = new URLSearchParams(location.search).get("loket") || localStorage.getItem("loket.counter");
  if (select && remembered && $(`option[value="${CSS.escape(remembered)}"]`, select)) {
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
      show("Isi nama pengguna dan kata sandi.");
      return;
    }
    const body = { username, password };
    if (select) body.counter = Number(select.value);
    else if (form.dataset.counter) body.counter = Number(form.dataset.counter);
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

/** Sign out, then show the page again (it asks to sign in). */
export async function logout() {
  try {
    await api("POST", "/api/logout");
  } catch {
    // Signed out or not, the reload shows the truth.
  } finally {
    location.reload();
  }
}

for (const form of $$("[data-login-form]")) setUpLogin(form);
for (const button of $$("[data-logout]")) button.addEventListener("click", logout);
