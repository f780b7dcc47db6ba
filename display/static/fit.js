// Fitting whole rows into a panel without ever shrinking their text (see "The TV layout" in
// docs/screens.md): the recent calls show as many rows as fit, and the waiting panel pages through the
// services when they do not all fit, a few seconds a page.
//
// Both measure the rows as laid out, so a service name that wraps onto two lines simply takes the
// room of two. They run again when the screen is resized, fonts load or the rows change.

const PAGE_SECONDS = 8;

/** Show the first rows of `list` that fit in its height; mark the rest data-fit="out". */
export function fitRows(list, rows) {
  for (const row of rows) delete row.dataset.fit;
  const bottom = list.getBoundingClientRect().bottom + 0.5;
  let full = false;
  for (const row of rows) {
    if (row.hidden) continue;
    if (full || row.getBoundingClientRect().bottom > bottom) {
      full = true; // later rows never jump into a gap: the list keeps the calls' order
      row.dataset.fit = "out";
    }
  }
}

/** Pages of whole rows for a list that may be taller than its box. */
export class Pager {
  /**
   * @param {HTMLElement} list - the box the rows must fit in (a flex column with a gap)
   * @param {HTMLElement} label - shows "1/3" while there is more than one page
   */
  constructor(list, label, seconds = PAGE_SECONDS) {
    this.list = list;
    this.label = label;
    this.periodMs = seconds * 1000;
    this.pages = [];
    this.page = 0;
    this.timer = null;
  }

  /** Measure the rows again and start from the page that holds the current first row. */
  layout() {
    const rows = [...this.list.children];
    const firstShown = this.pages[this.page] ? this.pages[this.page][0] : null;
    for (const row of rows) delete row.dataset.pageOut;
    const room = this.list.clientHeight;
    const gap = parseFloat(getComputedStyle(this.list).rowGap) || 0;
    const pages = [];
    let current = [];
    let used = 0;
    for (const row of rows) {
      const height = row.getBoundingClientRect().height;
      const needed = current.length === 0 ? height : used + gap + height;
      if (current.length > 0 && needed > room + 0.5) {
        pages.push(current);
        current = [row];
        used = height;
      } else {
        current.push(row);
        used = needed;
      }
    }
    if (current.length > 0) pages.push(current);
    const same =
      pages.length === this.pages.length &&
      pages.every(
        (page, p) => page.length === this.pages[p].length && page.every((row, i) => row === this.pages[p][i]),
      );
    this.pages = pages;
    if (same && (this.timer !== null || pages.length <= 1)) {
      this._apply(); // counts changed, pages did not: keep turning pages on time
      return;
    }
    const keep = pages.findIndex((page) => page.includes(firstShown));
    this._show(keep >= 0 ? keep : 0);
  }

  _show(index) {
    clearTimeout(this.timer);
    this.timer = null;
    this.page = index;
    this._apply();
    if (this.pages.length > 1) {
      this.timer = setTimeout(() => this._show((this.page + 1) % this.pages.length), this.periodMs);
    }
  }

  _apply() {
    const index = this.page;
    this.pages.forEach((page, number) => {
      for (const row of page) row.dataset.pageOut = String(number !== index);
    });
    const many = this.pages.length > 1;
    this.label.hidden = !many;
    this.label.textContent = many ? `${index + 1}/${this.pages.length}` : "";
    this.list.dataset.page = String(index + 1);
    this.list.dataset.pages = String(this.pages.length);
  }
}
