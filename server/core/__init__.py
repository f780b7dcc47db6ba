"""The queue itself, free of Flask and Socket.IO: the rules (numbering, the dispatcher, legal
transitions: ``rules``), who acts (``actor``), the office's day (``day``: opening hours, the day
change), the one queue class (``ticket_queue``: every action through one write path, returning
an ``outcome``) behind the clock guard (``clock``), the SQLite store (``storage``) with its SQL
by subject (``tickets``, ``waiting``, ``learning``, ``accounts`` with the sessions, the
console's and board's reads in ``queries``), who staffs a counter (``staffing``), the over-time
rule (``overtime``), its migrations (``migrations``, ``upgrade``), the wait estimate
(``estimate``, ``estimator``), the JSON views of tickets and the issued ticket (``views``) and
the errors (``errors``). Everything else calls in here; nothing in here calls out.

May import: config."""
