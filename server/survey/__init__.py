"""The satisfaction survey (SKM, PermenPAN-RB 14/2017) after a visitor is served: the form on the
visitor's phone and the counter tablet (:mod:`.routes`), the questionnaire's elements and the
IKM arithmetic (:mod:`.ikm`), and storing and reading the answers — all of its SQL
(:mod:`.queries`). It writes only ``survey_responses``; the figures per period are the
reports' (:mod:`server.reports.figures`).

May import: core, webbase.
"""
