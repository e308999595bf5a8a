"""Numbered, user-facing errors (spaCy style): every message says what went wrong and where."""

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

    @classmethod
    def from_code(cls, code: str, message: str) -> PCGError:
        """Rebuild an error reported by another process (e.g. the query worker) from its code."""
        pending = [PCGError]
        while pending:
            kind = pending.pop()
            if kind.code == code:
                return kind(message)
            pending.extend(kind.__subclasses__())
        return PCGError(message)

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


class ValidationError(PCGError):
    """The built graph does not conform to the SHACL shapes."""

    code = "E005"


class NoGraphError(PCGError):
    """No graph has been built yet (run ``python -m kg build``)."""

    code = "E006"


class UnknownInstrumentError(PCGError):
    code = "E007"


class UnknownJurisdictionError(PCGError):
    """A jurisdiction code the graph or the coordination data has nothing for."""

    code = "E031"


class ForbiddenQueryError(PCGError):
    """A SPARQL request that could change data or reach outside the graph (updates, LOAD, CLEAR,
    DROP, INSERT, DELETE, SERVICE): refused before anything runs."""

    code = "E020"


class QuerySyntaxError(PCGError):
    """A SPARQL query that does not parse; the message gives line:column and a caret excerpt."""

    code = "E021"


class QueryTimeoutError(PCGError):
    """A query ran past the time limit and was stopped."""

    code = "E022"


class EndpointError(PCGError):
    """The SPARQL endpoint (remote store or ``kg serve``) could not be reached or started."""

    code = "E023"


class UnknownFormatError(PCGError):
    code = "E024"
