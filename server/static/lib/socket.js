// The one way a page opens its Socket.IO connection (kiosk, status page, TV, console, board,
// admin, survey tablet): one set of options and one reconnect policy for every screen.
//
// Websocket first; long-polling only when a websocket cannot be opened (e.g. a proxy that drops
// the upgrade). A lost connection is tried again after 0.5 s, then up to every 3 s, for ever —
// also after the server closed it on purpose (while restarting). Every `state` the server sends
// sets the page's clock (lib/clock.js), so each screen follows the server's time.
import { syncClock } from "./clock.js";

const OPTIONS = {
  transports: ["websocket", "polling"],
  tryAllTransports: true,
  reconnection: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 3000,
  randomizationFactor: 0.25,
  timeout: 5000,
};

const opened = [];
const hooks = [];

/**
 * Run `hook(socket)` for every socket of the page, those opened already and those to come
 * (system.js listens for the PC's state on the page's own connection this way).
 */
export function onEverySocket(hook) {
  hooks.push(hook);
  opened.forEach(hook);
}

/**
 * Open the page's socket. `query` goes with the handshake (e.g. `{screen: "status"}`);
 * `onOnline(bool)` follows the connection. Returns null when the socket.io client did not load
 * (then `onOnline(false)` was called).
 */
export function openSocket({ query, onOnline } = {}) {
  const online = onOnline || (() => {});
  if (typeof window.io !== "function") {
    online(false);
    return null;
  }
  const socket = window.io(query ? { ...OPTIONS, query } : OPTIONS);
  socket.on("connect", () => online(true));
  socket.on("disconnect", (reason) => {
    online(false);
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => online(false));
  socket.on("state", (snapshot) => syncClock(snapshot && snapshot.server_time));
  opened.push(socket);
  hooks.forEach((hook) => hook(socket));
  return socket;
}
