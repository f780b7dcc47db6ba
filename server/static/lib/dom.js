// The DOM helpers shared by the pages: the one way to find an element (`$`, `$$`) and to make one
// (`element`), and small writers.

/** The first element matching the CSS `selector` inside `root` (the document by default), or null. */
export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Every element matching `selector` inside `root`, as an array. */
export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

/** A new element with attributes (`text`, `className`, `checked`, `value`, `on<event>`, others as
 * attributes; true makes an empty attribute) and children (nodes or strings; null is skipped). */
export function element(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => {
    if (value === undefined || value === null || value === false) return;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key === "checked") node.checked = Boolean(value);
    else if (key === "value") node.value = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  });
  (children || []).forEach((child) => {
    if (child !== null && child !== undefined) node.append(child);
  });
  return node;
}

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
