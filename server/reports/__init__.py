"""Reports for the head of office (``/reports``): the report periods (:mod:`.periods`), the
arithmetic against the service standards (:mod:`.stats`, :mod:`.assemble`) and the survey's IKM
score (:mod:`server.survey.ikm`), all free of Flask and SQL; the package's SQL (:mod:`.queries`); the figures
of a period, kept per app while they hold (:mod:`.figures`); the Indonesian formats
(:mod:`.format`); the CSV/XLSX exports (:mod:`.export`); the pages, JSON and flags
(:mod:`.routes`). It reads the queue's tables and writes only a ticket's data-quality flag; it
stores no survey answer (:mod:`server.survey` does) and never changes the core.

May import: core, survey, webbase.
"""
