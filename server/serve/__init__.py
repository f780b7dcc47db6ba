"""Serving all day: gunicorn with one gevent worker and its deadlines, the data-folder lock, and
:mod:`server.serve.loop`, which runs blocking work (SQLite, espeak-ng, printers) in real threads
and hands results back to the event loop. It knows nothing of the queue's rules."""
