"""The office configuration, ``loket.toml``: one declarative way to check a table (``fields``),
the office's tables (``sections``: office, queue, survey, security, display), the services and
counters (``services``), reading the file and its default office (``loader``), and saving the
admin's edits back with comments kept (``store``). The voice, printing and backup packages declare
their own tables with ``fields``; this package reads those settings types and touches no
database, no device and no web request."""
