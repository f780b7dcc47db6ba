// Admin section: the announcement voice, with "Dengar contoh": the sentence as the TV would play
// it, synthesised from the form's current (unsaved) values.
import * as A from "./admin.js";
import { $ } from "./lib/dom.js";

A.section("voice", {
  bind() {
    const form = $("#voice-form");
    A.onSubmit(form, (values) => {
      A.run(() => A.api("PUT", "/api/admin/settings/voice", values), "Pengaturan suara disimpan.").then(() => A.load());
    });
    $("#voice-preview").addEventListener("click", async () => {
      const values = A.formValues(form);
      const result = await A.run(
        () =>
          A.api("POST", "/api/admin/voice/preview", {
            template: values.template,
            number_reading: values.number_reading,
          }),
        "Contoh pengumuman siap.",
      );
      if (!result || !result.audio_url) return;
      const audio = $("#voice-audio");
      audio.src = result.audio_url;
      audio.hidden = false;
      audio.play().catch(() => null);
    });
  },
  render(settings, data) {
    A.fillForm($("#voice-form"), settings.voice);
    A.statusLine($("#voice-status"), data && data.voice_status);
  },
});
