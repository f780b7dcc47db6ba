// Small DOM helpers shared by the pages.

/** Set a node's text only when it differs (no needless layout on screens that run for days). */
export function setText(node, value) {
  if (node.textContent !== value) node.textContent = value;
}

/** Run `fn` once, `ms` after the last of a burst of calls. */
export function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/** Fill `box` with one paragraph per message; hide it when there is none. */
export function showLines(box, messages) {
  box.replaceChildren(
    ...messages.map((text) => {
      const line = document.createElement("p");
      line.textContent = text;
      return line;
    }),
  );
  box.hidden = messages.length === 0;
}

/** Show `message` in the notice `box` (red when `isError`) for `ms`, then hide it again. */
export function notice(box, message, isError, ms) {
  box.textContent = message;
  box.classList.toggle("error", Boolean(isError));
  box.hidden = false;
  clearTimeout(box.noticeTimer);
  box.noticeTimer = setTimeout(() => {
    box.hidden = true;
  }, ms);
}

/** The elements of a page by id: `{name: "element-id"}` -> `{name: element}`. */
export function byIds(ids) {
  return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, document.getElementById(id)]));
}
