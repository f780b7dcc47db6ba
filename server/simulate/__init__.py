"""``loket simulate``, a discrete-event simulator of an office day: the visitor and officer model
(:mod:`.model`, pure), the day's event loop (:mod:`.day`), the two offices it drives — a running
server through its public HTTP API (:mod:`.http_office`) and the queue's rules in memory
(:mod:`.memory_office`) — the ``--history`` writer of past days (:mod:`.history`, its SQL in
:mod:`.records`) and the command
(:mod:`.cli`). It owns no state of the office and may not change it behind the server's back: a
live run reaches a running server only through its public HTTP API; ``--history`` opens the data
folder with :mod:`server.config.data_dir`'s helpers and writes only through :mod:`.records`,
skipping days that already have tickets.

May import: config, core, survey.
"""

from .cli import add_arguments, run
from .day import Pacer, Simulation
from .history import history_days, write_history
from .http_office import HttpOffice
from .model import Model, plan_day

__all__ = [
    "HttpOffice",
    "Model",
    "Pacer",
    "Simulation",
    "add_arguments",
    "history_days",
    "plan_day",
    "run",
    "write_history",
]
