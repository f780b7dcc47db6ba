// Admin section: the TV's media — upload (type and size checked by the server), order, remove,
// seconds per image. Every change reaches the open TVs at once.
import * as A from "./admin.js";
import { $, element } from "./lib/dom.js";
const VIDEO = /\.(mp4|webm)$/i;

function save(media, message) {
  return A.run(() => A.api("PUT", "/api/admin/settings/display", { media }), message);
}

A.section("media", {
  bind() {
    $("#media-upload").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      A.run(() => A.api("POST", "/api/admin/media", new FormData(form)), "Media diunggah dan tampil di layar TV.").then(
        (ok) => {
          if (ok) {
            form.reset();
            $("[data-file-name]", form).textContent = "Belum ada berkas dipilih.";
          }
        },
      );
    });
    A.onSubmit($("#media-settings"), (values) => {
      A.run(() => A.api("PUT", "/api/admin/settings/display", values), "Lama tiap gambar disimpan.");
    });
  },
  render(settings) {
    const media = settings.display.media;
    A.fillForm($("#media-settings"), settings.display);
    $("#media-empty").hidden = media.length > 0;
    const move = (index, step) => {
      const order = media.slice();
      const [item] = order.splice(index, 1);
      order.splice(index + step, 0, item);
      save(order, "Urutan media disimpan.");
    };
    $("#media-list").replaceChildren(
      ...media.map((name, index) =>
        element("li", { className: "media-item" }, [
          VIDEO.test(name)
            ? element("video", {
                src: "/media/" + encodeURIComponent(name),
                muted: true,
                preload: "metadata",
                className: "thumb",
              })
            : element("img", { src: "/media/" + encodeURIComponent(name), alt: "", className: "thumb" }),
          element("span", { className: "media-name", text: name }),
          element("button", {
            type: "button",
            className: "button button-quiet",
            text: "Naik",
            disabled: index === 0,
            "aria-label": "Naikkan " + name,
            onclick: () => move(index, -1),
          }),
          element("button", {
            type: "button",
            className: "button button-quiet",
            text: "Turun",
            disabled: index === media.length - 1,
            "aria-label": "Turunkan " + name,
            onclick: () => move(index, 1),
          }),
          element("button", {
            type: "button",
            className: "button button-quiet",
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
