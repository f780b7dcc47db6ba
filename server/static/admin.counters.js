// Admin section: counters — name and the services each one serves, picked from the list.
import * as A from "./admin.js";
import { $, element } from "./lib/dom.js";

/** A checkbox per service in use; `chosen` are ticked. */
function serviceChecks(settings, chosen) {
  return A.checkboxes(
    settings.services
      .filter((s) => !s.retired)
      .map((service) => [service.code, service.code + " · " + service.name, chosen.includes(service.code)]),
  );
}

function card(settings, counter) {
  const checks = element("fieldset", { className: "checks" }, [
    element("legend", { text: "Layanan yang dilayani" }),
    ...serviceChecks(settings, counter.services),
  ]);
  const form = element("form", { className: "card", novalidate: true }, [
    element("div", { className: "card-head" }, [
      element("span", { className: "code", text: String(counter.id) }),
      element("input", {
        name: "name",
        value: counter.name,
        required: true,
        maxlength: 40,
        "aria-label": "Nama loket " + counter.id,
        "data-message": "Nama loket wajib diisi.",
      }),
    ]),
    checks,
    element("div", { className: "row" }, [
      element("button", { type: "submit", className: "button button-primary", text: "Simpan" }),
      element("button", {
        type: "button",
        className: "button button-quiet",
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
    A.onSubmit($("#counter-add"), (values, form) => {
      values.services = A.ticked($("[data-service-checks]", form));
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
    $("#counters-list").replaceChildren(...settings.counters.map((counter) => card(settings, counter)));
    const add = $("#counter-add [data-service-checks]");
    add.replaceChildren(element("legend", { text: "Layanan yang dilayani" }), ...serviceChecks(settings, []));
  },
});
