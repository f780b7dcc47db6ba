"""The satisfaction survey (SKM, PermenPAN-RB 14/2017) after a visitor is served: the form on the
visitor's phone and the counter tablet, and storing the answers. Its IKM figures are computed by
:mod:`server.reports.stats`."""
