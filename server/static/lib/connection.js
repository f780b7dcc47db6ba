// The small "Terhubung / Menyambung… / Terputus" badge of the staff screens, following a socket.

const WORDS = {
  connected: "Terhubung",
  connecting: "Menyambung…",
  disconnected: "Terputus — menyambung ulang…",
};

/** Show the socket's state in `element` (its data-state drives the colour) from now on. */
export function connectionBadge(element, socket) {
  const show = (state) => {
    if (!element) return;
    element.dataset.state = state;
    element.textContent = WORDS[state];
  };
  show("connecting");
  socket.on("connect", () => show("connected"));
  socket.on("disconnect", () => show("disconnected"));
}
