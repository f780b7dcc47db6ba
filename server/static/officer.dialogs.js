/* The console's two questions before anything that cannot be undone: "are you sure?" and
   "to which service?". Both are native <dialog>s; Escape or "Batal" answers no. */
import { $, $$ } from "./lib/dom.js";
for (const cancel of $$("[data-dialog-cancel]")) {
  cancel.addEventListener("click", () => cancel.closest("dialog").close("cancel"));
}

/** Resolve with true when the officer confirms. */
export function confirm(dialog, title, text, okLabel) {
  $("[data-confirm-title]", dialog).textContent = title;
  $("[data-confirm-text]", dialog).textContent = text;
  const ok = $("[data-confirm-ok]", dialog);
  ok.textContent = okLabel;
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
    ok.focus();
  });
}

/** Resolve with the chosen service code for a transfer, or null. The ticket's own service
      and closed services cannot be chosen. */
export function chooseService(dialog, ticket, services) {
  const ok = $("[data-transfer-ok]", dialog);
  const radios = $$('input[name="service"]', dialog);
  $("[data-transfer-number]", dialog).textContent = ticket.number;
  for (const radio of radios) {
    radio.checked = false;
    radio.disabled = radio.value === ticket.service || (services[radio.value] || {}).enabled === false;
    radio.closest("[data-transfer-choice]").dataset.current = String(radio.value === ticket.service);
  }
  ok.disabled = true;
  const onChange = () => {
    ok.disabled = !radios.some((r) => r.checked);
  };
  // A service's letter picks it: the officer can transfer without the mouse.
  const onKey = (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const radio = radios.find((r) => r.value.toLowerCase() === event.key.toLowerCase() && !r.disabled);
    if (!radio) return;
    event.preventDefault();
    radio.checked = true;
    radio.focus();
    onChange();
  };
  dialog.addEventListener("change", onChange);
  dialog.addEventListener("keydown", onKey);
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener(
      "close",
      () => {
        dialog.removeEventListener("change", onChange);
        dialog.removeEventListener("keydown", onKey);
        const chosen = radios.find((r) => r.checked);
        resolve(dialog.returnValue === "ok" && chosen ? chosen.value : null);
      },
      { once: true },
    );
    dialog.showModal();
    (radios.find((r) => !r.disabled) || ok).focus();
  });
}
