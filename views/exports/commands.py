"""Imports every module that adds a command to ``flask export`` (one line per module)."""
from . import (
    cli_fatture,  # noqa: F401
    cli_fogli,  # noqa: F401
    cli_report,  # noqa: F401
)
