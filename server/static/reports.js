/* Reports page: printing, longer lists, flagging tickets; the charts are reports.charts.js and
   signing in and out lib/session.js. The server computes every figure. */

import { api } from "./lib/api.js";
import "./lib/session.js";
import { setUpCharts } from "./reports.charts.js";
import { $, $$ } from "./lib/dom.js";
/* ---- print and longer lists (signing in and out: lib/session.js) ---- */

function setUpButtons() {
  $$("[data-print]").forEach((button) => {
    button.addEventListener("click", () => {
      window.print();
    });
  });
  // Long lists: the rows past the first few wait behind a button, and fold back on a second click.
  $$("[data-show-more]").forEach((button) => {
    const label = button.textContent;
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      $$("tr.r-extra", button.previousElementSibling).forEach((row) => {
        row.hidden = !open;
      });
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? "Tampilkan lebih sedikit" : label;
    });
  });
}

/* ---- flags ---- */

function setUpFlags() {
  const dialog = $("[data-flag-dialog]");
  if (!dialog) return;
  const form = $("[data-flag-form]", dialog);
  const error = $("[data-flag-error]", dialog);
  let ticketId = null;
  $$("[data-flag]").forEach((button) => {
    button.addEventListener("click", () => {
      ticketId = button.dataset.flag;
      $("[data-flag-number]", dialog).textContent = button.dataset.number;
      form.reason.value = "";
      error.hidden = true;
      dialog.showModal();
    });
  });
  $("[data-flag-cancel]", dialog).addEventListener("click", () => {
    dialog.close();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reason.value.trim()) {
      // our words, not the browser's bubble
      error.textContent = "Tuliskan alasannya terlebih dahulu.";
      error.hidden = false;
      form.reason.focus();
      return;
    }
    api("POST", "/api/tickets/" + ticketId + "/flag", { reason: form.reason.value.trim() })
      .then(() => {
        window.location.reload();
      })
      .catch((err) => {
        error.textContent = err.message;
        error.hidden = false;
      });
  });
  $$("[data-unflag]").forEach((button) => {
    button.addEventListener("click", () => {
      if (!window.confirm("Hitung lagi waktu tiket " + button.dataset.number + " dalam rata-rata?")) return;
      api("POST", "/api/tickets/" + button.dataset.unflag + "/unflag", {})
        .then(() => {
          window.location.reload();
        })
        .catch((err) => {
          window.alert(err.message);
        });
    });
  });
}

setUpButtons();
setUpFlags();
setUpCharts();
