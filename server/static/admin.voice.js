// Admin section: the announcement voice, with "Dengar contoh": the sentence as the TV would play
// it, synthesised from the form's current (unsaved) values.
import * as A from "./admin.js";

A.section("voice", {
  bind() {
    const form = document.getElementById("voice-form");
    A.onSubmit(form, (values) => {
      A.run(() => A.api("PUT", "/api/admin/settings/voice", values), "Pengaturan suara disimpan.").then(() => A.load());
    });
    document.getElementById("voice-preview").addEventListener("click", async () => {
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
      const audio = document.getElementById("voice-audio");
      audio.src = result.audio_url;
      audio.hidden = false;
      audio.play().catch(() => null);
    });
  },
  render(settings, data) {
    A.fillForm(document.getElementById("voice-form"), settings.voice);
    A.statusLine(document.getElementById("voice-status"), data && data.voice_status);
  },
});
