// The board's fresh-call highlights: an element glows (`is-fresh`, with a pulse) for a while after
// a call. One timer serves them all, set for the earliest end, so a busy board never piles up
// timers over the days it runs.

export class Highlights {
  constructor() {
    this.until = new Map(); // element -> performance.now() at which its highlight ends
    this.timer = null;
  }

  /** Light `el` up for `durationMs` (again from the start if it was lit). */
  add(el, durationMs) {
    if (durationMs <= 0) return;
    el.dataset.pulse = el.dataset.pulse === "a" ? "b" : "a"; // restarts the pulse (see display.css)
    el.classList.add("is-fresh");
    this.until.set(el, performance.now() + durationMs);
    this._schedule();
  }

  remove(el) {
    el.classList.remove("is-fresh");
    this.until.delete(el);
  }

  /** Forget `el` without touching it (it left the page). */
  forget(el) {
    this.until.delete(el);
  }

  clear() {
    for (const el of this.until.keys()) el.classList.remove("is-fresh");
    this.until.clear();
    this._schedule();
  }

  _schedule() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.until.size === 0) return;
    const next = Math.min(...this.until.values());
    this.timer = setTimeout(() => this._end(), Math.max(0, next - performance.now()) + 20);
  }

  _end() {
    const now = performance.now();
    for (const [el, until] of this.until) {
      if (until <= now + 5) this.remove(el);
    }
    this._schedule();
  }
}
