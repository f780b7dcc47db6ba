"""The satisfaction survey (SKM, PermenPAN-RB 14/2017) after a visitor is served: the form on the
visitor's phone and the counter tablet (:mod:`.routes`), and storing and reading the answers — all
of its SQL (:mod:`.queries`). It writes only ``survey_responses``; the IKM score and the figures
per period are computed by the reports (:mod:`server.survey.ikm`, :mod:`server.reports.figures`)."""
