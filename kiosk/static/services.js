/* The grid of service buttons on the kiosk: one button per service, created once and then
 * updated in place, laid out in as many columns as suit the screen. */

import { setText } from "../common/lib/dom.js";
import { estimate, t } from "./text.js";

const BUTTON_ASPECT = 2.4; // the width/height a service button reads best at

function part(button, className, tag) {
  const node = document.createElement(tag || "span");
  node.className = className;
  button.appendChild(node);
  return node;
}

/** The grid inside ``container``; ``loading`` is the placeholder shown until the first list. */
export function serviceGrid(container, loading) {
  let services = [];
  const buttons = new Map(); // service code -> its button
  let layoutPending = false;

  function createButton(code) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "service";
    button.dataset.code = code;
    const badge = part(button, "service-code");
    const body = part(button, "service-body");
    const name = part(body, "service-name");
    const description = part(body, "service-desc");
    const meta = part(body, "service-meta");
    const waiting = part(meta, "service-waiting");
    const estimateBox = part(meta, "service-estimate");
    part(estimateBox, "service-estimate-label").textContent = t("estimate_label") + " ";
    button.parts = {
      code: badge,
      name,
      description,
      waiting,
      estimate: estimateBox,
      estimateValue: part(estimateBox, "service-estimate-value"),
      closed: part(body, "service-closed"),
    };
    buttons.set(code, button);
    return button;
  }

  function updateButton(button, service) {
    const parts = button.parts;
    const open = Boolean(service.open);
    setText(parts.code, service.code);
    setText(parts.name, service.name);
    setText(parts.description, service.description || "");
    setText(parts.waiting, service.waiting ? t("waiting_some", { n: service.waiting }) : t("waiting_none"));
    // Nobody waiting already says "no wait"; "segera dilayani" would only repeat it. With no
    // officer at a counter yet there is no estimate to give on the button.
    const showEstimate =
      open && Boolean(service.waiting) && Boolean(service.estimate) && Boolean(service.estimate_text);
    setText(parts.estimateValue, showEstimate ? estimate(service) : "");
    setText(parts.closed, open ? "" : service.closed_reason || t("closed_default"));
    parts.estimate.hidden = !showEstimate;
    parts.waiting.hidden = !open;
    parts.closed.hidden = open;
    button.disabled = !open;
    button.classList.toggle("is-closed", !open);
    button.setAttribute(
      "aria-label",
      [service.code, service.name, open ? parts.waiting.textContent : parts.closed.textContent].join(", "),
    );
  }

  /** Draw the services in the server's order, reusing the buttons already on screen. */
  function render(list) {
    services = list;
    if (loading.parentNode) loading.remove();
    const seen = new Set();
    list.forEach((service, index) => {
      const button = buttons.get(service.code) || createButton(service.code);
      updateButton(button, service);
      if (container.children[index] !== button) {
        container.insertBefore(button, container.children[index] || null);
      }
      seen.add(service.code);
    });
    buttons.forEach((button, code) => {
      if (!seen.has(code)) {
        button.remove();
        buttons.delete(code);
      }
    });
    if (container.dataset.count !== String(list.length)) {
      container.dataset.count = String(list.length);
      layout();
    }
  }

  /** New waiting counts from a queue_changed push, before the full list arrives. */
  function applyWaiting(waiting) {
    if (!waiting) return;
    services.forEach((service) => {
      if (Object.prototype.hasOwnProperty.call(waiting, service.code)) {
        service.waiting = waiting[service.code];
        updateButton(buttons.get(service.code), service);
      }
    });
  }

  /** Pick the number of columns whose buttons come closest to a comfortable shape. */
  function layout() {
    layoutPending = false;
    const count = buttons.size;
    if (!count) return;
    const box = container.getBoundingClientRect();
    const gap = parseFloat(getComputedStyle(container).columnGap) || 16;
    let best = 1;
    let bestScore = -Infinity;
    for (let cols = 1; cols <= Math.min(count, 6); cols++) {
      const rows = Math.ceil(count / cols);
      if (rows * cols - count >= cols) continue; // never leave a whole row empty
      const width = (box.width - gap * (cols - 1)) / cols;
      const height = (box.height - gap * (rows - 1)) / rows;
      if (width <= 0 || height <= 0) continue;
      let score = -Math.abs(Math.log(width / height / BUTTON_ASPECT));
      if (height < 120 || width < 260) score -= 5;
      if (score > bestScore) {
        bestScore = score;
        best = cols;
      }
    }
    container.dataset.cols = String(best);
  }

  function scheduleLayout() {
    if (layoutPending) return;
    layoutPending = true;
    window.requestAnimationFrame(layout);
  }

  return { render, applyWaiting, scheduleLayout };
}
