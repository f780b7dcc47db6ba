// Admin section: counters — name and the services each one serves, picked from the list.
import * as A from "./admin.js";

/** A checkbox per service in use; `chosen` are ticked. */
function serviceChecks(settings, chosen) {
  return A.checkboxes(
    settings.services
      .filter((s) => !s.retired)
      .map((service) => [service.code, service.code + " · " + service.name, chosen.includes(service.code)]),
  );
}

function card(settings, counter) {
  const { el } = A;
  const checks = el("fieldset", { className: "checks" }, [
    el("legend", { text: "Layanan yang dilayani" }),
    ...serviceChecks(settings, counter.services),
  ]);
  const form = el("form", { className: "card", novalidate: true }, [
    el("div", { className: "card-head" }, [
      el("span", { className: "code", text: String(counter.id) }),
      el("input", {
        name: "name",
        value: counter.name,
        required: true,
        maxlength: 40,
        "aria-label": "Nama loket " + counter.id,
        "data-message": "Nama loket wajib diisi.",
      }),
    ]),
    checks,
    el("div", { className: "row" }, [
      el("button", { type: "submit", text: "Simpan" }),
      el("button", {
        type: "button",
        className: "quiet",
        text: "Hapus",
        onclick: () => {
          if (window.confirm("Hapus " + counter.name + "?"))
            A.run(() => A.api("DELETE", "/api/admin/counters/" + counter.id), counter.name + " dihapus.");
        },
      }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const services = A.ticked(checks);
    if (!services.length) {
      A.notify("Pilih minimal satu layanan untuk " + counter.name + ".", true);
      return;
    }
    A.run(
      () => A.api("PUT", "/api/admin/counters/" + counter.id, { name: form.elements.name.value.trim(), services }),
      counter.name + " disimpan.",
    );
  });
  return form;
}

A.section("counters", {
  serviceChecks,
  bind() {
    A.onSubmit(document.getElementById("counter-add"), (values, form) => {
      values.services = A.ticked(form.querySelector("[data-service-checks]"));
      if (!values.services.length) {
        A.notify("Pilih minimal satu layanan untuk loket baru.", true);
        return;
      }
      if (!values.name || !values.name.trim()) delete values.name;
      A.run(() => A.api("POST", "/api/admin/counters", values), "Loket " + values.id + " ditambahkan.").then(
        (ok) => ok && form.reset(),
      );
    });
  },
  render(settings) {
    document
      .getElementById("counters-list")
      .replaceChildren(...settings.counters.map((counter) => card(settings, counter)));
    const add = document.querySelector("#counter-add [data-service-checks]");
    add.replaceChildren(A.el("legend", { text: "Layanan yang dilayani" }), ...serviceChecks(settings, []));
  },
});
