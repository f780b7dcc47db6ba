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

/**
 * A visitor screen's socket (kiosk, status page): it reconnects quickly, also after the server
 * closed it on purpose (e.g. while restarting); `setOnline(bool)` follows its state.
 */
export function screenSocket(options, setOnline) {
  const socket = window.io({ reconnectionDelay: 500, reconnectionDelayMax: 3000, timeout: 5000, ...options });
  socket.on("connect", () => setOnline(true));
  socket.on("disconnect", (reason) => {
    setOnline(false);
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => setOnline(false));
  return socket;
}
