"""Serving all day: gunicorn with one gevent worker and its deadlines (``runner``, ``gworker``),
the data folder on the command line and its lock (``data_folder``), :mod:`server.eventloop.loop`,
which runs blocking work (SQLite, espeak-ng, printers) in real threads and hands results back to
the event loop, and handing memory back after a burst (``memory``). It knows nothing of the
queue's rules."""
