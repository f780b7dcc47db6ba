// Admin section: services — name, description, standards, quota, own hours, open on the kiosk,
// retire and restore; says when a service is on no counter (and so not on the kiosk).
import * as A from "./admin.js";
import { hoursPicker } from "./admin.forms.js";
import { $, element } from "./lib/dom.js";

function served(settings, code) {
  return settings.counters.filter((counter) => counter.services.includes(code)).map((counter) => counter.name);
}

function card(settings, service) {
  const counters = served(settings, service.code);
  const number = (name, value, label) =>
    element("label", {}, [
      label,
      element("input", { name, value, inputmode: "numeric", "data-number": "0-100000", className: "short" }),
    ]);
  const hours = hoursPicker(service.hours || "", settings.office.hours);
  const form = element(
    "form",
    { className: "card" + (service.retired ? " retired" : ""), novalidate: true, "data-service": service.code },
    [
      element("div", { className: "card-head" }, [
        element("span", { className: "code", text: service.code }),
        element("input", {
          name: "name",
          value: service.name,
          required: true,
          maxlength: 80,
          "aria-label": "Nama layanan " + service.code,
          "data-message": "Nama layanan wajib diisi.",
        }),
        service.retired ? element("span", { className: "badge", text: "Diistirahatkan" }) : null,
        !service.retired && counters.length === 0
          ? element("span", { className: "badge warn", text: "Belum dilayani loket mana pun: tertutup di kiosk" })
          : null,
      ]),
      element("label", {}, [
        "Keterangan",
        element("input", { name: "description", value: service.description || "", maxlength: 120 }),
      ]),
      element("div", { className: "row" }, [
        number("standard_wait_minutes", service.standard_wait_minutes, "Standar tunggu (menit)"),
        number("standard_service_minutes", service.standard_service_minutes, "Standar layanan (menit)"),
        number("daily_quota", service.daily_quota, "Kuota/hari (0 = tanpa batas)"),
        element("div", { className: "field" }, [
          element("span", { className: "label", text: "Jam layanan" }),
          hours.node,
        ]),
        element("label", { className: "check" }, [
          element("input", { type: "checkbox", name: "enabled", checked: service.enabled }),
          " Buka di kiosk",
        ]),
      ]),
      element("p", { className: "hint", text: counters.length ? "Dilayani di: " + counters.join(", ") : "" }),
      element(
        "div",
        { className: "row" },
        service.retired
          ? [
              element("button", {
                type: "button",
                className: "button button-primary",
                text: "Aktifkan kembali",
                onclick: () =>
                  A.run(
                    () => A.api("POST", "/api/admin/services/" + service.code + "/restore"),
                    "Layanan " + service.code + " aktif kembali.",
                  ),
              }),
            ]
          : [
              element("button", { type: "submit", className: "button button-primary", text: "Simpan" }),
              element("button", {
                type: "button",
                className: "button button-quiet",
                text: "Istirahatkan",
                onclick: () => {
                  if (
                    window.confirm(
                      "Istirahatkan layanan " +
                        service.code +
                        " · " +
                        service.name +
                        "? Layanan ini hilang dari kiosk, layar TV dan loket; laporan lama tetap ada.",
                    )
                  ) {
                    A.run(
                      () => A.api("POST", "/api/admin/services/" + service.code + "/retire"),
                      "Layanan " + service.code + " diistirahatkan.",
                    );
                  }
                },
              }),
            ],
      ),
    ],
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!hours.valid()) {
      A.notify("Jam tutup harus setelah jam buka.", true);
      return;
    }
    const values = A.formValues(form);
    values.hours = hours.value();
    A.run(() => A.api("PUT", "/api/admin/services/" + service.code, values), "Layanan " + service.code + " disimpan.");
  });
  return form;
}

A.section("services", {
  bind() {
    A.onSubmit($("#service-add"), (values, form) => {
      values.code = values.code.trim().toUpperCase();
      A.run(() => A.api("POST", "/api/admin/services", values), "Layanan " + values.code + " ditambahkan.").then(
        (ok) => ok && form.reset(),
      );
    });
  },
  render(settings) {
    const list = $("#services-list");
    list.replaceChildren(...settings.services.map((service) => card(settings, service)));
  },
});
