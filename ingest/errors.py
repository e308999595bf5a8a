"""Numbered, user-facing errors (spaCy style): every message says what went wrong and where.

The base class, and the errors ``ingest`` itself raises. The catalogue of every code, these
included, is ``kg/errors.py``: ``ingest`` imports nothing above it, so kg's own errors live there.
"""

from __future__ import annotations

from pathlib import Path


class PCGError(Exception):
    """Base class: ``code`` is stable and documented; ``str()`` is a one-line message."""

    code = "E000"

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path and self.line:
            where = f"{self.path}:{self.line}: "
        elif self.path:
            where = f"{self.path}: "
        return f"[{self.code}] {where}{self.message}"


class SourceTextError(PCGError):
    """A law text is empty, not UTF-8, or cannot be structured by its layout."""

    code = "E001"


class UnknownLayoutError(PCGError):
    code = "E002"


class MetadataError(PCGError):
    """metadata.json is missing, malformed, or lacks a required field."""

    code = "E003"


class DuplicateInstrumentError(PCGError):
    code = "E004"


class UnknownInstrumentError(PCGError):
    code = "E007"
