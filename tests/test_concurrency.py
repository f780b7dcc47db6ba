"""Several kiosks and officers at once, on a real SQLite file: no duplicate, no gap, no ticket
at two counters."""

import threading
import time
from collections import Counter

from server.core.actor import Actor


def test_twenty_kiosks_and_four_officers_at_once(app, loket):
    queue = loket.queue
    per_kiosk = 25
    issued, called, errors = [], [], []
    lock = threading.Lock()
    start = threading.Barrier(24)
    kiosks_done = threading.Event()

    def kiosk(index):
        start.wait()
        try:
            for n in range(per_kiosk):
                ticket = queue.issue("AE"[n % 2] if index % 2 else "A").ticket
                with lock:
                    issued.append(ticket)
        except Exception as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    def officer(counter_id):
        actor = Actor(f"petugas{counter_id}", "officer", counter_id)
        start.wait()
        try:
            idle = 0
            while idle < 3:
                ticket = queue.call_next(counter_id, actor).ticket
                if ticket is None:
                    idle += 1 if kiosks_done.is_set() else 0
                    time.sleep(0.005)
                    continue
                with lock:
                    called.append((ticket.id, counter_id))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    began = time.perf_counter()
    kiosks = [threading.Thread(target=kiosk, args=(i,)) for i in range(20)]
    # Loket 1 and 4 serve A; Loket 3 and 4 serve E; Loket 2 serves neither and must get nothing.
    officers = [threading.Thread(target=officer, args=(c,)) for c in (1, 2, 3, 4)]
    for thread in kiosks + officers:
        thread.start()
    for thread in kiosks:
        thread.join(60)
    kiosks_done.set()
    for thread in officers:
        thread.join(60)
    elapsed = time.perf_counter() - began

    assert not errors, errors
    assert len(issued) == 20 * per_kiosk
    for code in "AE":
        numbers = sorted(int(t.number[1:]) for t in issued if t.service == code)
        assert numbers == list(range(1, len(numbers) + 1)), f"gap or duplicate in {code}"
    ids = [ticket_id for ticket_id, _ in called]
    assert len(ids) == len(set(ids)), "a ticket was handed out twice"
    assert set(ids) == {t.id for t in issued}, "every ticket was called exactly once"
    assert Counter(counter for _, counter in called)[2] == 0
    held = (
        loket.store.read()
        .execute("SELECT COUNT(*) FROM events WHERE kind = 'called' GROUP BY ticket_id HAVING COUNT(*) > 1")
        .fetchall()
    )
    assert held == []
    print(
        f"\n{len(issued)} tickets issued and called in {elapsed:.2f} s "
        f"({len(issued) / elapsed:.0f} tickets/s with 4 officers calling)"
    )
