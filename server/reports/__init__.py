"""Reports for the head of office (``/reports``): the arithmetic against the service standards
(:mod:`.stats`, free of SQL), the SQL that feeds it (:mod:`.queries`), the cached figures of a
period (:mod:`.figures`), and the pages and exports (:mod:`.routes`). Read-only: it never
writes a ticket."""
