"""Serving all day: gunicorn with one gevent worker and its deadlines (``runner``, ``gworker``),
serving the app that :func:`server.assembly.create_app` builds. Blocking work off the event
loop is :mod:`server.eventloop`'s; the data folder's lock is :mod:`server.config.data_folder`'s.
It knows nothing of the queue's rules.

May import: assembly, config, live.
"""
