"""Spoken calls: Indonesian text from a template, offline speech, the chime, and their files.

This package owns everything a call sounds like: the words (announcement, numbers, lexicon), the
speech engines and the one voice worker (engines, synth, worker), the office's voice pack (pack,
assemble), the announcement files (cache, wav, chime), the server's speaker (speaker), what the
admin is told (status), and the ``/sounds`` and voice-pack routes. Apart from those two route
modules it may not touch Flask, the queue or the database: it is handed a ticket number and a
counter name and answers with an :class:`Announcement`, never raising to its caller because of
the voice. :class:`Announcer` speaks; :class:`NullAnnouncer` is used when
``[voice] enabled = false``.

May import: config, core, eventloop, webbase.
"""

from __future__ import annotations

from server.config.voice import VoiceSettings
from server.voice.announcer import Announcement, Announcer, NullAnnouncer

__all__ = ["Announcement", "Announcer", "NullAnnouncer", "VoiceSettings"]
