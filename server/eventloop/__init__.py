"""The serving loop's edge: :mod:`~server.eventloop.loop` runs blocking work (SQLite, espeak-ng,
printers) in real threads and hands results back to the event loop (gevent under ``loket
serve``, plain threads elsewhere); :mod:`~server.eventloop.memory` hands freed memory back after
a burst. It imports nothing of Loket: every package may use it, it uses none.

May import: nothing of Loket.
"""
