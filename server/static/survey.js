/* The satisfaction survey: send the form as JSON; on the counter tablet, wait for the next
   visitor finished at this counter (Socket.IO "ticket_updated") and ask them. */
(function () {
  "use strict";

  function collect(form) {
    var body = {};
    var comment = form.comment.value.trim();
    if (comment) body.comment = comment;
    if (form.dataset.mode === "smiley") {
      var rating = form.querySelector('input[name="rating"]:checked');
      if (rating) body.rating = parseInt(rating.value, 10);
      return body;
    }
    body.answers = {};
    form.querySelectorAll('input[type="radio"]:checked').forEach(function (input) {
      body.answers[input.name] = parseInt(input.value, 10);
    });
    return body;
  }

  function missing(form, body) {
    if (form.dataset.mode === "smiley") return body.rating ? null : "Silakan pilih salah satu wajah.";
    var unanswered = form.querySelectorAll("fieldset.s-element").length - Object.keys(body.answers).length;
    return unanswered ? "Mohon jawab semua unsur (" + unanswered + " belum dijawab)." : null;
  }

  function setUpForm(form, onDone) {
    var error = form.querySelector("[data-survey-error]");
    var thanks = form.parentNode.querySelector("[data-survey-thanks]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = collect(form);
      var problem = missing(form, body);
      error.hidden = !problem;
      error.textContent = problem || "";
      if (problem) return;
      fetch(form.dataset.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok && !(data.error && data.error.code === "already_answered")) {
            throw new Error((data.error && data.error.message) || "Penilaian gagal dikirim. Silakan coba lagi.");
          }
          form.hidden = true;
          thanks.hidden = false;
          if (onDone) onDone();
        });
      }).catch(function (err) {
        error.textContent = err.message;
        error.hidden = false;
      });
    });
  }

  function setUpTablet(main) {
    var counter = parseInt(main.dataset.counter, 10);
    var idle = main.querySelector("[data-idle]");
    var ask = main.querySelector("[data-ask]");
    var form = ask.querySelector("[data-survey-form]");
    var thanks = ask.querySelector("[data-survey-thanks]");
    var current = null;
    function show(ticket) {
      if (!ticket) { if (!current) { idle.hidden = false; ask.hidden = true; } return; }
      if (current === ticket.id) return;
      current = ticket.id;
      form.reset();
      form.hidden = false;
      thanks.hidden = true;
      form.dataset.action = main.dataset.actionBase + ticket.id;
      ask.querySelector("[data-ticket-number]").textContent = ticket.number;
      ask.querySelector("[data-ticket-service]").textContent = ticket.service_name;
      idle.hidden = true;
      ask.hidden = false;
    }
    function refresh() {
      fetch("/api/survey/counters/" + counter + "/pending", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) { show(data.ticket); })
        .catch(function () {});
    }
    setUpForm(form, function () {
      setTimeout(function () { current = null; idle.hidden = false; ask.hidden = true; }, 6000);
    });
    refresh();
    if (typeof window.io === "function") {
      var socket = window.io({ transports: ["websocket", "polling"] });
      socket.on("ticket_updated", function (payload) {
        var ticket = payload && payload.ticket;
        if (ticket && ticket.status === "done" && ticket.counter && ticket.counter.id === counter) refresh();
      });
      socket.on("connect", refresh);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tablet = document.querySelector("[data-tablet]");
    if (tablet) { setUpTablet(tablet); return; }
    var form = document.querySelector("[data-survey-form]");
    if (form) setUpForm(form);
  });
})();
