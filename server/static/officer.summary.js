// "Hari ini": the officer's own figures of the day, asked again (debounced) after each action.
import { api } from "./lib/api.js";
import { debounce, $ } from "./lib/dom.js";
import { minutes } from "./lib/format.js";

export function officerSummary(root) {
  async function load() {
    try {
      const body = await api("GET", "/api/officer/summary");
      for (const [key, value] of Object.entries(body.today)) {
        const cell = $(`[data-figure="${key}"]`, root);
        if (cell) cell.textContent = key.endsWith("_seconds") ? minutes(value) : String(value);
      }
    } catch {
      // The figures are secondary: the next refresh tries again.
    }
  }
  return { load, refresh: debounce(load, 300) };
}
