/* The satisfaction survey: send the form as JSON; on the counter tablet, wait for the next
   visitor finished at this counter (Socket.IO "ticket_updated") and ask them. */

import { api } from "./lib/api.js";
import { $, $$ } from "./lib/dom.js";
import { openSocket } from "./lib/socket.js";

function collect(form) {
  const body = {};
  const comment = form.comment.value.trim();
  if (comment) body.comment = comment;
  if (form.dataset.mode === "smiley") {
    const rating = $('input[name="rating"]:checked', form);
    if (rating) body.rating = parseInt(rating.value, 10);
    return body;
  }
  body.answers = {};
  $$('input[type="radio"]:checked', form).forEach((input) => {
    body.answers[input.name] = parseInt(input.value, 10);
  });
  return body;
}

function missing(form, body) {
  if (form.dataset.mode === "smiley") return body.rating ? null : "Silakan pilih salah satu wajah.";
  const unanswered = $$("fieldset.s-element", form).length - Object.keys(body.answers).length;
  return unanswered ? "Mohon jawab semua unsur (" + unanswered + " belum dijawab)." : null;
}

function setUpForm(form, onDone) {
  const error = $("[data-survey-error]", form);
  const thanks = $("[data-survey-thanks]", form.parentNode);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = collect(form);
    const problem = missing(form, body);
    error.hidden = !problem;
    error.textContent = problem || "";
    if (problem) return;
    try {
      await api("POST", form.dataset.action, body);
    } catch (err) {
      // Answered already (a second tap, another tab): thank them all the same.
      if (err.code !== "already_answered") {
        error.textContent = err.fromServer ? err.message : "Penilaian gagal dikirim. Silakan coba lagi.";
        error.hidden = false;
        return;
      }
    }
    form.hidden = true;
    thanks.hidden = false;
    if (onDone) onDone();
  });
}

function setUpTablet(main) {
  const counter = parseInt(main.dataset.counter, 10);
  const idle = $("[data-idle]", main);
  const ask = $("[data-ask]", main);
  const form = $("[data-survey-form]", ask);
  const thanks = $("[data-survey-thanks]", ask);
  let current = null;
  function show(ticket) {
    if (!ticket) {
      if (!current) {
        idle.hidden = false;
        ask.hidden = true;
      }
      return;
    }
    if (current === ticket.id) return;
    current = ticket.id;
    form.reset();
    form.hidden = false;
    thanks.hidden = true;
    form.dataset.action = main.dataset.actionBase + ticket.id;
    $("[data-ticket-number]", ask).textContent = ticket.number;
    $("[data-ticket-service]", ask).textContent = ticket.service_name;
    idle.hidden = true;
    ask.hidden = false;
  }
  function refresh() {
    api("GET", "/api/survey/counters/" + counter + "/pending")
      .then((data) => show(data.ticket))
      .catch(() => {});
  }
  setUpForm(form, () => {
    setTimeout(() => {
      current = null;
      idle.hidden = false;
      ask.hidden = true;
    }, 6000);
  });
  refresh();
  const socket = openSocket();
  if (socket) {
    socket.on("ticket_updated", (payload) => {
      const ticket = payload && payload.ticket;
      if (ticket && ticket.status === "done" && ticket.counter && ticket.counter.id === counter) refresh();
    });
    socket.on("connect", refresh);
  }
}

const tablet = $("[data-tablet]");
if (tablet) {
  setUpTablet(tablet);
} else {
  const form = $("[data-survey-form]");
  if (form) setUpForm(form);
}
