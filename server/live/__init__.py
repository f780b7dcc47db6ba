"""Socket.IO: every handler and every emit of Loket (the default namespace), the rooms each kind of
client may join, the over-time alerts, and the bounds on anonymous sockets (connections, frames,
event rate). Other packages publish through :func:`server.live.events.broadcast` and friends; none
of them calls ``socketio.emit`` itself."""
