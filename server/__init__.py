"""Loket: a queue system for Indonesian one-stop public service offices (PTSP)."""

__version__ = "0.1.0"
