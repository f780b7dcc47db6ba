// Admin section: the office — name, open days and hours, running text, head of office, survey
// form, logo.
import * as A from "./admin.js";
import { hoursPicker } from "./admin.forms.js";
import { now } from "./lib/clock.js";
import { $, $$, element } from "./lib/dom.js";
const DAYS = [
  ["mon", "Senin"],
  ["tue", "Selasa"],
  ["wed", "Rabu"],
  ["thu", "Kamis"],
  ["fri", "Jumat"],
  ["sat", "Sabtu"],
  ["sun", "Minggu"],
];
let hours = null;

A.section("office", {
  bind() {
    A.onSubmit($("#office-form"), (values) => {
      values.days = $$("#office-days input:checked").map((box) => box.value);
      if (!values.days.length) {
        A.notify("Pilih minimal satu hari buka.", true);
        return;
      }
      if (!hours.valid()) {
        A.notify("Jam tutup harus setelah jam buka.", true);
        return;
      }
      values.hours = hours.value();
      delete values.day;
      A.run(() => A.api("PUT", "/api/admin/settings/office", values), "Profil kantor disimpan.");
    });
    A.onSubmit($("#survey-form"), (values) => {
      A.run(() => A.api("PUT", "/api/admin/settings/survey", values), "Pengaturan survei disimpan.");
    });
    $("#logo-form").addEventListener("submit", (event) => {
      event.preventDefault();
      A.run(() => A.api("POST", "/api/admin/logo", new FormData(event.target)), "Logo diunggah.").then(() => A.load());
    });
  },
  render(settings, data) {
    A.fillForm($("#office-form"), settings.office);
    A.fillForm($("#survey-form"), settings.survey);
    const days = $("#office-days");
    days.replaceChildren(
      element("legend", { text: "Hari buka" }),
      ...A.checkboxes(
        DAYS.map(([value, label]) => [value, label, settings.office.days.includes(value)]),
        "day",
      ),
    );
    hours = hoursPicker(settings.office.hours, null);
    const row = $("#office-hours");
    row.replaceChildren(element("span", { className: "label", text: "Jam pengambilan nomor" }), hours.node);
    if (data && data.has_logo) {
      const preview = $("#logo-preview");
      preview.src = "/logo.png?" + now();
      preview.hidden = false;
    }
  },
});
