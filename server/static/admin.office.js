// Admin section: the office — name, open days and hours, running text, head of office, survey
// form, logo.
import * as A from "./admin.js";
import { hoursPicker } from "./admin.forms.js";
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
    A.onSubmit(document.getElementById("office-form"), (values) => {
      values.days = Array.from(document.querySelectorAll("#office-days input:checked")).map((box) => box.value);
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
    A.onSubmit(document.getElementById("survey-form"), (values) => {
      A.run(() => A.api("PUT", "/api/admin/settings/survey", values), "Pengaturan survei disimpan.");
    });
    document.getElementById("logo-form").addEventListener("submit", (event) => {
      event.preventDefault();
      A.run(() => A.api("POST", "/api/admin/logo", new FormData(event.target)), "Logo diunggah.").then(() => A.load());
    });
  },
  render(settings, data) {
    A.fillForm(document.getElementById("office-form"), settings.office);
    A.fillForm(document.getElementById("survey-form"), settings.survey);
    const days = document.getElementById("office-days");
    days.replaceChildren(
      A.el("legend", { text: "Hari buka" }),
      ...A.checkboxes(
        DAYS.map(([value, label]) => [value, label, settings.office.days.includes(value)]),
        "day",
      ),
    );
    hours = hoursPicker(settings.office.hours, null);
    const row = document.getElementById("office-hours");
    row.replaceChildren(A.el("span", { className: "label", text: "Jam pengambilan nomor" }), hours.node);
    if (data && data.has_logo) {
      const preview = document.getElementById("logo-preview");
      preview.src = "/logo.png?" + Date.now();
      preview.hidden = false;
    }
  },
});
