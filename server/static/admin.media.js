// Admin section: the TV's media — upload (type and size checked by the server), order, remove,
// seconds per image. Every change reaches the open TVs at once.
import * as A from "./admin.js";
const VIDEO = /\.(mp4|webm)$/i;

function save(media, message) {
  return A.run(() => A.api("PUT", "/api/admin/settings/display", { media }), message);
}

A.section("media", {
  bind() {
    document.getElementById("media-upload").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      A.run(() => A.api("POST", "/api/admin/media", new FormData(form)), "Media diunggah dan tampil di layar TV.").then(
        (ok) => {
          if (ok) {
            form.reset();
            form.querySelector("[data-file-name]").textContent = "Belum ada berkas dipilih.";
          }
        },
      );
    });
    A.onSubmit(document.getElementById("media-settings"), (values) => {
      A.run(() => A.api("PUT", "/api/admin/settings/display", values), "Lama tiap gambar disimpan.");
    });
  },
  render(settings) {
    const media = settings.display.media;
    A.fillForm(document.getElementById("media-settings"), settings.display);
    document.getElementById("media-empty").hidden = media.length > 0;
    const move = (index, step) => {
      const order = media.slice();
      const [item] = order.splice(index, 1);
      order.splice(index + step, 0, item);
      save(order, "Urutan media disimpan.");
    };
    document.getElementById("media-list").replaceChildren(
      ...media.map((name, index) =>
        A.el("li", { className: "media-item" }, [
          VIDEO.test(name)
            ? A.el("video", {
                src: "/media/" + encodeURIComponent(name),
                muted: true,
                preload: "metadata",
                className: "thumb",
              })
            : A.el("img", { src: "/media/" + encodeURIComponent(name), alt: "", className: "thumb" }),
          A.el("span", { className: "media-name", text: name }),
          A.el("button", {
            type: "button",
            className: "quiet",
            text: "Naik",
            disabled: index === 0,
            "aria-label": "Naikkan " + name,
            onclick: () => move(index, -1),
          }),
          A.el("button", {
            type: "button",
            className: "quiet",
            text: "Turun",
            disabled: index === media.length - 1,
            "aria-label": "Turunkan " + name,
            onclick: () => move(index, 1),
          }),
          A.el("button", {
            type: "button",
            className: "quiet",
            text: "Hapus",
            onclick: () => {
              if (window.confirm("Hapus " + name + " dari layar TV?")) {
                A.run(() => A.api("DELETE", "/api/admin/media/" + encodeURIComponent(name)), name + " dihapus.");
              }
            },
          }),
        ]),
      ),
    );
  },
});
