"""The queue itself, free of Flask and Socket.IO: the rules (numbering, the dispatcher, legal
transitions: ``rules``), who acts (``actor``), the office's day (``day``: opening hours, the day
change), the actions that apply the rules to the database atomically (``actions`` on ``writing``
on ``reading``, returning an ``outcome``), the SQLite store (``storage``) with its SQL by subject
(``tickets``, ``waiting``, ``learning``, ``accounts``, and the console's and board's reads in
``queries``), its migrations (``migrations``, ``upgrade``), the wait estimate (``estimate``,
``estimator``), the JSON shapes of tickets (``present``) and the errors (``errors``). Everything
else calls in here; nothing in here imports the web, live, voice, printing or reports packages
(only the office's configuration, from ``server.config``)."""
