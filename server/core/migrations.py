"""Numbered schema migrations. Never edit one that has been released; add the next."""

from sqlite_utils import Migrations

migrations = Migrations("loket")


def _append_only(db, table: str, subject: str) -> None:
    """Triggers that refuse to update or delete a row of ``table`` ("<subject> append-only").
    The statements are written exactly as the first releases wrote them out in full."""
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"\n        CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table}\n"
            f"        BEGIN SELECT RAISE(ABORT, '{subject} append-only'); END\n        "
        )


@migrations()
def m001_initial(db):
    """Tickets, the append-only event log, daily sequences, counters' state and users."""
    db.execute(
        """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            number TEXT NOT NULL,
            service TEXT NOT NULL,
            day TEXT NOT NULL,
            seq INTEGER,
            priority INTEGER NOT NULL DEFAULT 0,
            priority_reason TEXT,
            status TEXT NOT NULL,
            issued_at REAL NOT NULL,
            arrived_at REAL NOT NULL,
            queued_at REAL NOT NULL,
            called_at REAL,
            last_called_at REAL,
            started_at REAL,
            finished_at REAL,
            closed_at REAL,
            counter_id INTEGER,
            called_by TEXT,
            call_count INTEGER NOT NULL DEFAULT 0,
            skip_count INTEGER NOT NULL DEFAULT 0,
            transferred_from INTEGER REFERENCES tickets(id),
            transferred_to INTEGER REFERENCES tickets(id),
            flagged INTEGER NOT NULL DEFAULT 0,
            flag_reason TEXT
        )
        """
    )
    # A number is never handed out twice on one day (transfers carry no sequence of their own).
    db.execute("CREATE UNIQUE INDEX tickets_day_number ON tickets (day, service, seq) WHERE seq IS NOT NULL")
    db.execute("CREATE INDEX tickets_status_service ON tickets (status, service, queued_at)")
    db.execute("CREATE INDEX tickets_issued ON tickets (issued_at)")
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL,
            at REAL NOT NULL,
            counter_id INTEGER,
            username TEXT,
            detail TEXT
        )
        """
    )
    db.execute("CREATE INDEX events_ticket ON events (ticket_id)")
    db.execute("CREATE INDEX events_kind ON events (kind, id)")
    _append_only(db, "events", "events are")
    db.execute(
        "CREATE TABLE day_sequences (day TEXT NOT NULL, service TEXT NOT NULL, last INTEGER NOT NULL, "
        "PRIMARY KEY (day, service))"
    )
    db.execute(
        "CREATE TABLE counter_state (counter_id INTEGER PRIMARY KEY, "
        "priority_streak INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute(
        """
        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('officer', 'supervisor', 'admin')),
            active INTEGER NOT NULL DEFAULT 1,
            counters TEXT,
            created_at REAL NOT NULL
        )
        """
    )


@migrations()
def m002_audit_log(db):
    """Who changed what in the office's settings and users, and when (append-only)."""
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at REAL NOT NULL,
            username TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            before TEXT,
            after TEXT
        )
        """
    )
    _append_only(db, "audit_log", "the audit log is")


@migrations()
def m003_reports(db):
    """Reports: who flagged a ticket and when, survey responses, over-time alerts, and the
    indexes that keep a year's report fast."""
    db.execute("ALTER TABLE tickets ADD COLUMN flagged_by TEXT")
    db.execute("ALTER TABLE tickets ADD COLUMN flagged_at REAL")
    # Covers every column a report reads, so a year's report never touches the table rows.
    db.execute(
        """
        CREATE INDEX tickets_report ON tickets (
            day, service, status, flagged, counter_id, called_by, issued_at, called_at,
            started_at, finished_at, transferred_from
        )
        """
    )
    db.execute("CREATE INDEX tickets_flagged ON tickets (day) WHERE flagged = 1")
    db.execute(
        "CREATE INDEX tickets_finished_counter ON tickets (counter_id, finished_at) WHERE status = 'done'"
    )
    db.execute(
        """
        CREATE TABLE survey_responses (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
            kind TEXT NOT NULL CHECK (kind IN ('ikm', 'smiley')),
            channel TEXT NOT NULL CHECK (channel IN ('status_page', 'tablet')),
            answered_at REAL NOT NULL,
            day TEXT NOT NULL,
            service TEXT NOT NULL,
            counter_id INTEGER,
            officer TEXT,
            u1 INTEGER CHECK (u1 BETWEEN 1 AND 4),
            u2 INTEGER CHECK (u2 BETWEEN 1 AND 4),
            u3 INTEGER CHECK (u3 BETWEEN 1 AND 4),
            u4 INTEGER CHECK (u4 BETWEEN 1 AND 4),
            u5 INTEGER CHECK (u5 BETWEEN 1 AND 4),
            u6 INTEGER CHECK (u6 BETWEEN 1 AND 4),
            u7 INTEGER CHECK (u7 BETWEEN 1 AND 4),
            u8 INTEGER CHECK (u8 BETWEEN 1 AND 4),
            u9 INTEGER CHECK (u9 BETWEEN 1 AND 4),
            rating INTEGER CHECK (rating BETWEEN 1 AND 4),
            comment TEXT
        )
        """
    )
    db.execute("CREATE INDEX survey_responses_day ON survey_responses (day, service)")
    db.execute(
        """
        CREATE TABLE overtime_alerts (
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL CHECK (kind IN ('wait', 'service')),
            at REAL NOT NULL,
            minutes INTEGER NOT NULL,
            PRIMARY KEY (ticket_id, kind)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m004_waiting_index(db):
    """The waiting queue by service, kind and age, so that choosing the next visitor, the people
    ahead of a ticket and the voice's look-ahead are index ranges however long the queue is."""
    db.execute("CREATE INDEX tickets_waiting ON tickets (status, service, priority, queued_at, id)")
    db.execute("DROP INDEX tickets_status_service")


@migrations()
def m005_day_versions(db):
    """A version per office day, raised by the database itself whenever a ticket of that day is
    written (by the server, ``loket simulate --history`` or anything else): a report knows whether
    a month changed by reading a few rows instead of scanning its tickets."""
    db.execute("CREATE TABLE day_versions (day TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO day_versions (day, version) SELECT day, 1 FROM tickets GROUP BY day")
    bump = (
        "INSERT INTO day_versions (day, version) VALUES ({row}.day, 1) "
        "ON CONFLICT (day) DO UPDATE SET version = version + 1;"
    )
    db.execute(
        f"CREATE TRIGGER tickets_version_insert AFTER INSERT ON tickets BEGIN {bump.format(row='NEW')} END"
    )
    db.execute(
        f"CREATE TRIGGER tickets_version_delete AFTER DELETE ON tickets BEGIN {bump.format(row='OLD')} END"
    )
    db.execute(
        "CREATE TRIGGER tickets_version_update AFTER UPDATE ON tickets BEGIN "
        f"{bump.format(row='NEW')} {bump.format(row='OLD')} END"
    )


@migrations()
def m006_estimates(db):
    """The wait estimate told to each visitor at issue (point and range, in seconds), never
    changed afterwards, and the forward run's own figures behind it, from which later
    estimates are calibrated."""
    for column in (
        "estimate_seconds",
        "estimate_low_seconds",
        "estimate_high_seconds",
        "estimate_forward_seconds",
        "estimate_spread_seconds",
    ):
        db.execute(f"ALTER TABLE tickets ADD COLUMN {column} REAL")


@migrations()
def m015_clock_state(db):
    """The clock guard's memory (server/core/clock.py): the latest moment seen with a sane clock,
    and the admin's confirmation that the clock is right although data lies in its future."""
    db.execute(
        """
        CREATE TABLE clock_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            latest REAL NOT NULL,
            override_ceiling REAL,
            override_at REAL,
            override_by TEXT
        )
        """
    )


@migrations()
def m020_user_names(db):
    """A user's full name and NIP (18 digits), shown on the board and in the reports instead of
    the sign-in name."""
    db.execute("ALTER TABLE users ADD COLUMN full_name TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE users ADD COLUMN nip TEXT NOT NULL DEFAULT ''")


@migrations()
def m010_devices(db):
    """Enrolled devices (kiosks, TVs, counter tablets). Only a hash of each device's token is
    kept; a screen asking to be enrolled waits as ``pending`` with the code it shows until an
    admin approves it."""
    db.execute(
        """
        CREATE TABLE devices (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'display', 'tablet')),
            token_hash TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'revoked')),
            code TEXT,
            address TEXT,
            created_at REAL NOT NULL,
            approved_at REAL,
            approved_by TEXT
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX devices_pending_code ON devices (code) WHERE status = 'pending'")


@migrations()
def m011_service_times_index(db):
    """The last finished tickets of a service (the kiosk's estimate, read by ``GET
    /api/services``) as an index range, not a sort of a year of history."""
    db.execute(
        "CREATE INDEX tickets_service_done ON tickets (service, finished_at) "
        "WHERE status = 'done' AND flagged = 0"
    )


@migrations()
def m012_sessions(db):
    """Signed-in sessions kept on the server (a hash of the id the cookie carries): signing out
    ends one; a new password or a disabled account ends all of that user's, by trigger, whoever
    makes the change (the admin page or ``loket user``)."""
    db.execute(
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, username TEXT NOT NULL, created_at REAL NOT NULL)"
    )
    db.execute("CREATE INDEX sessions_username ON sessions (username)")
    db.execute(
        "CREATE TRIGGER users_end_sessions AFTER UPDATE OF password_hash, active ON users "
        "WHEN NEW.password_hash IS NOT OLD.password_hash OR NEW.active = 0 "
        "BEGIN DELETE FROM sessions WHERE username = NEW.username; END"
    )


@migrations()
def m021_session_counters(db):
    """A session knows the counter it was opened at and when it ended (signing out keeps the row
    until it is older than a session): who staffs a counter is read from here."""
    db.execute("ALTER TABLE sessions ADD COLUMN counter_id INTEGER")
    db.execute("ALTER TABLE sessions ADD COLUMN ended_at REAL")
    db.execute("CREATE INDEX sessions_counter ON sessions (counter_id, created_at)")


@migrations()
def m022_queue_order(db):
    """The queue is ordered by a sequence given each time a ticket enters it, not by a clock time
    (a clock stepped back must not put a new ticket first): waiting tickets keep the order they
    had, by their queue time then id."""
    db.execute("ALTER TABLE tickets ADD COLUMN queue_seq INTEGER")
    db.execute(
        "UPDATE tickets SET queue_seq = (SELECT n FROM (SELECT id, ROW_NUMBER() OVER "
        "(ORDER BY queued_at, id) AS n FROM tickets WHERE status = 'waiting') AS ranked "
        "WHERE ranked.id = tickets.id) WHERE status = 'waiting'"
    )
    db.execute("CREATE INDEX tickets_queue_seq ON tickets (queue_seq)")
    db.execute("DROP INDEX IF EXISTS tickets_waiting")
    db.execute("CREATE INDEX tickets_waiting_order ON tickets (status, service, priority, queue_seq)")
