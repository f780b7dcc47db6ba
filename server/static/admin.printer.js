// Admin section: the ticket printer and its test print.
import * as A from "./admin.js";
import { $ } from "./lib/dom.js";

A.section("printer", {
  bind() {
    A.onSubmit($("#printer-form"), (values) => {
      values.width_mm = Number(values.width_mm);
      A.run(() => A.api("PUT", "/api/admin/settings/printer", values), "Pengaturan printer disimpan.").then(() =>
        A.load(),
      );
    });
    $("#printer-test").addEventListener("click", () => {
      A.run(() => A.api("POST", "/api/admin/printer/test"), "Tiket uji dikirim ke printer.").then(() =>
        setTimeout(A.load, 1500),
      );
    });
  },
  render(settings, data) {
    A.fillForm($("#printer-form"), settings.printer);
    A.statusLine($("#printer-status"), data && data.printer_status);
  },
});
