"""The bare Flask-SocketIO server Loket is compared with: one ``emit`` per POST, nothing else.

    gunicorn -k gevent -w 1 --worker-connections 5000 bench.bare:app

``POST /call/<id>`` broadcasts ``ticket_called`` with a payload the size of Loket's (about
600 bytes) to every connected client; ``POST /api/tickets`` answers 201 at once. No database,
no rooms, no limits.
"""

from __future__ import annotations

from flask import Flask, jsonify
from flask_socketio import SocketIO

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent")
PADDING = "x" * 560


@app.post("/call/<int:ticket_id>")
def call(ticket_id: int):
    """Broadcast one call."""
    socketio.emit("ticket_called", {"ticket": {"id": ticket_id, "padding": PADDING}})
    return jsonify({"ticket": {"id": ticket_id}})


@app.post("/api/tickets")
def tickets():
    """Answer like a kiosk's ticket, without storing anything."""
    return jsonify({"ticket": {"id": 1}}), 201
