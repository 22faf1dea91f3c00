"""Corridor: a district's platform for growing industry on purpose."""

__version__ = "0.1.0"
