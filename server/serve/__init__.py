"""Serving all day: gunicorn with one gevent worker and its deadlines, the data-folder lock, and
:mod:`server.serve.loop`, which runs blocking work (SQLite, espeak-ng, printers) in real threads
and hands results back to the event loop, and handing memory back after a burst
(:mod:`server.serve.memory`). It knows nothing of the queue's rules."""
