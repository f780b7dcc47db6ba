// Form checks in Indonesian for the admin page. The forms are `novalidate`: the browser's own
// bubbles speak the browser's language (often English). Rules are data attributes:
//   required / data-required (file)  data-pattern="^regex$"  data-number="min-max"  data-minlength="8"
// and data-message says what is wrong, in the office's words. A form that fails is not submitted:
// this check runs in the capture phase, before the section's own submit handler.
import { $, $$ } from "./lib/dom.js";
function problem(field) {
  const value = field.type === "file" ? (field.files.length ? "x" : "") : String(field.value || "").trim();
  const message = field.dataset.message;
  if ((field.required || field.dataset.required !== undefined) && value === "") {
    return message || (field.type === "file" ? "Pilih berkas terlebih dahulu." : "Kolom ini wajib diisi.");
  }
  if (value === "") return null;
  if (field.dataset.pattern && !new RegExp(field.dataset.pattern).test(value)) return message || "Isian tidak sesuai.";
  if (field.dataset.minlength && value.length < Number(field.dataset.minlength)) {
    return message || "Minimal " + field.dataset.minlength + " karakter.";
  }
  if (field.dataset.number !== undefined) {
    const [min, max] = field.dataset.number.split("-").map(Number);
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max)
      return message || "Isi angka " + min + " sampai " + max + ".";
  }
  return null;
}

function show(field, message) {
  const holder = field.closest("label, .file-field") || field.parentElement;
  let note = $(":scope > .field-error", holder);
  if (!message) {
    if (note) note.remove();
    field.removeAttribute("aria-invalid");
    return;
  }
  if (!note) {
    note = document.createElement("span");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    holder.append(note);
  }
  note.textContent = message;
  field.setAttribute("aria-invalid", "true");
}

/** Check every field of `root`; show the messages; true when all is well. */
export function validate(root) {
  let first = null;
  $$("input, select, textarea", root).forEach((field) => {
    const message = problem(field);
    show(field, message);
    if (message && !first) first = field;
  });
  if (first) (first.type === "file" ? first.nextElementSibling : first).focus();
  return first === null;
}

document.addEventListener(
  "submit",
  (event) => {
    if (!event.target.closest(".page-admin")) return;
    if (!validate(event.target)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

document.addEventListener("input", (event) => {
  if (event.target.getAttribute("aria-invalid") === "true") show(event.target, problem(event.target));
});

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.type !== "file") return;
  const name = $("[data-file-name]", field.closest("[data-file-field]"));
  name.textContent = field.files.length ? field.files[0].name : "Belum ada berkas dipilih.";
  show(field, null);
});

// Opening hours as two lists (opens, closes) in quarter hours: no browser time picker, whose
// AM/PM follows the browser's language. `inherit` adds a first choice "as the office".
const TIMES = [];
for (let minutes = 0; minutes <= 24 * 60; minutes += 15) {
  TIMES.push(String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0"));
}

function select(label, chosen, from, to) {
  const node = document.createElement("select");
  node.setAttribute("aria-label", label);
  TIMES.slice(from, to).forEach((time) => node.add(new Option(time.replace(":", "."), time, false, time === chosen)));
  return node;
}

/** {node, value()} for "07:30-16:00"; value() is "" when `inherit` is chosen. */
export function hoursPicker(value, inherit) {
  const [opens, closes] = (value || inherit || "07:30-16:00").split("-");
  const node = document.createElement("span");
  node.className = "hours-picker";
  let same = null;
  if (inherit) {
    same = document.createElement("label");
    same.className = "check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = !value;
    same.append(box, " ikut jam kantor");
    same.box = box;
  }
  const open = select("Jam buka", opens, 0, TIMES.length - 1);
  const close = select("Jam tutup", closes, 1, TIMES.length);
  const sync = () => {
    open.disabled = close.disabled = Boolean(same && same.box.checked);
  };
  if (same) same.box.addEventListener("change", sync);
  sync();
  node.append(...(same ? [same] : []), open, " – ", close);
  return {
    node,
    value() {
      if (same && same.box.checked) return "";
      return open.value + "-" + close.value;
    },
    valid() {
      return (same && same.box.checked) || open.value < close.value;
    },
  };
}
