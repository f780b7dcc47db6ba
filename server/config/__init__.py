"""The office configuration, ``loket.toml``: loading and validating it (one table per section,
each section's fields declared once) and saving the admin's edits back with comments kept. It may
read the settings types of the voice, printing and backup packages, and touches no database."""
