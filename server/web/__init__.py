"""The HTTP side: the app factory and its hooks, one blueprint per audience (visitor pages and the
JSON API, the officer's console and board, the admin), sign-in and the one page guard
(:func:`server.webbase.guard.requires`), and the OpenAPI description. Blueprints parse input, call one
action of :mod:`server.core` and publish through :mod:`server.live`; they hold no SQL."""
