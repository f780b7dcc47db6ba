// The server's words for codes (priority groups, ticket statuses), from the page's data-labels
// (server/web/labels.py): one source, never a copy in a script.
import { $ } from "./dom.js";

let cache = null;

function all() {
  if (cache === null) {
    const holder = $("[data-labels]");
    try {
      cache = JSON.parse(holder ? holder.dataset.labels : "{}");
    } catch {
      cache = {};
    }
  }
  return cache;
}

/** The priority group's name ("Lansia"), or "" for none or an unknown one. */
export function priorityLabel(reason) {
  return (all().priority_reasons || {})[reason] || "";
}

/** A ticket status as a heading: "Sedang dilayani" for `serving`. */
export function statusLabel(status) {
  const text = (all().statuses || {})[status] || status || "";
  return text.charAt(0).toUpperCase() + text.slice(1);
}
