"""The queue itself, free of Flask and Socket.IO: the rules (numbering, the dispatcher, legal
transitions), the actions that apply them to the database atomically, the SQLite store and its
migrations, the wait estimate, and the JSON shapes of tickets. Everything else calls in here;
nothing in here imports the web, live, voice, printing or reports packages."""
