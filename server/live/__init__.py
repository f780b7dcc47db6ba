"""Socket.IO, the live side of Loket (default namespace): the one server object and its rooms
(:mod:`~server.live.hub`), every handler of an event a client sends (:mod:`~server.live.handlers`),
every event the server sends, each behind a named function (:mod:`~server.live.events`; the
admin's and sign-in changes in :mod:`~server.live.staff`; the over-time alerts in
:mod:`~server.live.alerts`), and the bounds on anonymous sockets: connections
(:mod:`~server.live.capacity`), frames (:mod:`~server.live.wsguard`) and event rate (handlers).
Other packages call these functions; none of them calls ``socketio.emit`` or registers a handler
itself. It holds no SQL and no queue rules: payloads come from :mod:`server.core.present`."""
