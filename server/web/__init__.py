"""The HTTP side: the app's blueprints, hooks and error pages (``app``), one blueprint per
audience (visitor pages and the JSON API, the officer's console and board, the admin), the guide
at /bantuan and the OpenAPI document. Blueprints parse input (:mod:`server.webbase`), call one
action of :mod:`server.core` and hand its outcome to the running office
(:meth:`server.runtime.Runtime.react`); they hold no SQL. The app itself is built by
:func:`server.assembly.create_app`.

May import: config, core, devices, live, reports, survey, unattended, voice, webbase.
"""
