// Enrollment of a kiosk or TV: an unenrolled screen asks the server for a code, shows it, and
// reloads once an admin has approved the code on the admin page (Perangkat).
(function () {
  "use strict";

  var script = document.currentScript;
  var kind = script && script.dataset.deviceKind;
  var POLL_MS = 5000;

  function json(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (body) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error((data.error && data.error.message) || "Permintaan gagal."); }
        return data;
      });
    });
  }

  function panel() {
    var box = document.getElementById("enroll-panel");
    if (box) { return box; }
    box = document.createElement("div");
    box.id = "enroll-panel";
    box.className = "enroll-panel";
    box.setAttribute("role", "dialog");
    box.innerHTML = "<h2>Perangkat belum terdaftar</h2>" +
      "<p>Minta admin membuka halaman <strong>Admin › Perangkat</strong> dan memasukkan kode ini:</p>" +
      "<p class=\"enroll-code\" data-enroll-code></p>" +
      "<p class=\"enroll-note\" data-enroll-note>Halaman ini terbuka sendiri setelah disetujui.</p>";
    document.body.appendChild(box);
    return box;
  }

  function show(code) {
    var box = panel();
    box.querySelector("[data-enroll-code]").textContent = code;
    document.body.classList.add("is-unenrolled");
  }

  function check() {
    return json("GET", "/api/devices/me").then(function (data) {
      if (data.device) {
        if (document.body.classList.contains("is-unenrolled")) { window.location.reload(); }
        return;
      }
      var asked = data.pending ? Promise.resolve(data)
        : json("POST", "/api/devices/enroll", { kind: kind });
      return asked.then(function (made) {
        show(made.pending.code);
        window.setTimeout(check, POLL_MS);
      });
    }).catch(function (error) {
      var note = document.querySelector("[data-enroll-note]");
      if (note) { note.textContent = error.message; }
      window.setTimeout(check, POLL_MS * 3);
    });
  }

  if (kind) { document.addEventListener("DOMContentLoaded", check); }
})();
