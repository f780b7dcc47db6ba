"""Loket: a queue system for Indonesian one-stop public service offices (PTSP).

May import: nothing of Loket.
"""

__version__ = "0.1.0"
