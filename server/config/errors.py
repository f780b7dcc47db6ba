"""The error of a wrong loket.toml."""


class ConfigError(Exception):
    """loket.toml is wrong; the message names the key and what is wrong."""
