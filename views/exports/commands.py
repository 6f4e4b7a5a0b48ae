"""Imports every module that adds a command to ``flask export`` (one line per module)."""
