// Admin section: the ticket printer and its test print.
(function () {
  "use strict";
  const A = window.LoketAdmin;

  A.section("printer", {
    bind() {
      document.getElementById("printer-form").addEventListener("submit", (event) => {
        event.preventDefault();
        const values = A.formValues(event.target);
        values.width_mm = Number(values.width_mm);
        A.run(() => A.api("PUT", "/api/admin/settings/printer", values), "Pengaturan printer disimpan.").then(() => A.load());
      });
      document.getElementById("printer-test").addEventListener("click", () => {
        A.run(() => A.api("POST", "/api/admin/printer/test"), "Tiket uji dikirim ke printer.").then(() => setTimeout(A.load, 1500));
      });
    },
    render(settings, data) {
      A.fillForm(document.getElementById("printer-form"), settings.printer);
      A.statusLine(document.getElementById("printer-status"), data && data.printer_status);
    },
  });
})();
