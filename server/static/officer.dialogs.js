/* The console's two questions before anything that cannot be undone: "are you sure?" and
   "to which service?". Both are native <dialog>s; Escape or "Batal" answers no. */
for (const cancel of document.querySelectorAll("[data-dialog-cancel]")) {
  cancel.addEventListener("click", () => cancel.closest("dialog").close("cancel"));
}

/** Resolve with true when the officer confirms. */
export function confirm(dialog, title, text, okLabel) {
  dialog.querySelector("[data-confirm-title]").textContent = title;
  dialog.querySelector("[data-confirm-text]").textContent = text;
  const ok = dialog.querySelector("[data-confirm-ok]");
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
  const ok = dialog.querySelector("[data-transfer-ok]");
  const radios = Array.from(dialog.querySelectorAll('input[name="service"]'));
  dialog.querySelector("[data-transfer-number]").textContent = ticket.number;
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
