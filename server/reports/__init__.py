"""Reports for the head of office (``/reports``). It owns the report periods (:mod:`.periods`), the
arithmetic against the service standards (:mod:`.stats`, :mod:`.assemble`, free of SQL), the
survey's IKM score (:mod:`.ikm`), its SQL (:mod:`.queries`), the figures each app keeps per
period (:mod:`.figures`), the Indonesian formats (:mod:`.format`), the CSV/XLSX exports
(:mod:`.export`) and the pages and JSON (:mod:`.routes`). Read-only on the queue: apart from the
data-quality flag it never writes a ticket, and it does not touch the survey's answers (the survey
package stores them) or the core's tables beyond reading them."""
