"""The office configuration, ``loket.toml``, and the data folder that holds it: one declarative
way to check a table (``fields``), the office's tables (``sections``: office, queue, survey,
security, display; ``voice``, ``printer`` and ``backup`` for the voice, the ticket printer and
the backups), the services and counters (``services``), reading the file and its default office
(``loader``), saving the admin's edits back with comments kept (``store``), and the data folder:
where it is and what it holds (``data_dir``), ``--data`` on the command line and the lock that
lets one process serve it (``data_folder``), its error (``errors``). It imports nothing of Loket
outside itself: no database, no device and no web request.

May import: nothing of Loket.
"""
