"""Running for years without an IT person: the clock guard's chores and the admin's view of it
(the guard itself is :mod:`server.core.clock`), daily backups and restore, free disk space and
the error log as the admin sees them, and the systemd unit. It reads the database only
through :mod:`server.core` and never changes the queue.

May import: config, core, live, webbase.
"""
