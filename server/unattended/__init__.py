"""Running for years without an IT person: the clock guard, daily backups and restore, free disk
space and the error log as the admin sees them, and the systemd unit. It reads the database only
through :mod:`server.core` and never changes the queue."""
