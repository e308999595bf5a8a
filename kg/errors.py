"""The catalogue of every numbered error a user can meet (README, "Error codes"): one class per
code, all defined or re-exported here, and :func:`from_code` to rebuild one from its code.

Why here, beside ``ingest/errors.py`` rather than merged with it: ``ingest`` is the ground floor and
imports nothing of ``kg``, so the base class (:class:`PCGError`) and the errors ``ingest`` itself
raises (E001–E004, E007) stay there and are re-exported below; every error that only ``kg`` raises
is defined here, not in the module that raises it. One catalogue matters because errors cross
processes: the SPARQL query worker answers with a code and a message, and the parent rebuilds the
error from :data:`CATALOGUE`, which holds every class whichever modules either process imported
(a class defined in a module the parent had not imported came back as a bare E000).
"""

from __future__ import annotations

from ingest.errors import (DuplicateInstrumentError, MetadataError, PCGError, SourceTextError,
                           UnknownInstrumentError, UnknownLayoutError)

# --- builds and the graph (E005–E009) ---------------------------------------------------------------


class ValidationError(PCGError):
    """The built graph does not conform to the SHACL shapes (the build is not published)."""

    code = "E005"


class NoGraphError(PCGError):
    """No graph has been built yet (run ``python -m kg build``)."""

    code = "E006"


class InvalidIdError(PCGError):
    """An id (from a link, a form or the command line) that no instance of the graph can have."""

    code = "E008"


class BuildIncompleteError(PCGError):
    """A finished build lacks a part it must have; it is not published."""

    code = "E009"


# --- search (E010–E013) -----------------------------------------------------------------------------


class SearchInputError(PCGError):
    """A search request that cannot be answered as asked (empty question, -k 0, unknown filter)."""

    code = "E010"


class EncoderError(PCGError):
    """The search encoder adapted to the corpus cannot be adapted or loaded."""

    code = "E011"


class EmbeddingModelError(PCGError):
    """The packaged embedding model is missing, unreadable or pools other than by the mean."""

    code = "E012"


class QuestionEncoderError(PCGError):
    """The NumPy encoder of questions cannot run this model."""

    code = "E013"


# --- SPARQL (E020–E024, E027) ------------------------------------------------------------------------


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
    """The SPARQL endpoint (remote store or ``kg serve``) or the app could not be reached or started."""

    code = "E023"


class UnknownFormatError(PCGError):
    """A results or export format that does not exist."""

    code = "E024"


class TruncatedResultError(PCGError):
    """A remote SPARQL endpoint answered with fewer rows than the query has (its result cap, e.g.
    Virtuoso's ``ResultSetMaxRows``): refused rather than read as complete."""

    code = "E027"


# --- kg serve's requests (E025–E026) ---------------------------------------------------------------


class RequestError(PCGError):
    """An HTTP request to ``kg serve`` that cannot be answered as sent: a route that does not exist, a
    method it does not take, a parameter out of range, a question or request line over the size
    limit. The API answers it as JSON with the HTTP status that says which (kg.api)."""

    code = "E025"


class InternalError(PCGError):
    """``kg serve`` failed while answering a request: the answer is this code and a one-line reason,
    never a traceback; the request may be tried again."""

    code = "E026"


# --- analyses, imports and what people ask for (E030–E036) ------------------------------------------


class UnknownProvisionError(PCGError):
    """A provision id that is not in the graph."""

    code = "E030"


class UnknownJurisdictionError(PCGError):
    """A jurisdiction code the graph or the coordination data has nothing for."""

    code = "E031"


class ImportExistsError(PCGError):
    """An import name that is already taken (replace it explicitly)."""

    code = "E032"


class UserFileError(PCGError):
    """A file someone gave that cannot be read as text."""

    code = "E033"


class UsageError(PCGError):
    """A command or page asked for something without what it needs, or with an option value it does
    not take; the message says what to give."""

    code = "E034"


class UnclassifiedInstrumentError(PCGError):
    """An instrument the theme classifier did not read (not English, or not in the graph)."""

    code = "E035"


class UnknownImportError(PCGError):
    """An import name that no imported membership list has."""

    code = "E036"


CATALOGUE: dict[str, type[PCGError]] = {kind.code: kind for kind in (
    SourceTextError, UnknownLayoutError, MetadataError, DuplicateInstrumentError, ValidationError, NoGraphError,
    UnknownInstrumentError, InvalidIdError, BuildIncompleteError, SearchInputError, EncoderError,
    EmbeddingModelError, QuestionEncoderError, ForbiddenQueryError, QuerySyntaxError, QueryTimeoutError,
    EndpointError, UnknownFormatError, TruncatedResultError, RequestError, InternalError, UnknownProvisionError, UnknownJurisdictionError, ImportExistsError,
    UserFileError, UsageError, UnclassifiedInstrumentError, UnknownImportError,
)}


def from_code(code: str, message: str, *, path: str | None = None, line: int | None = None) -> PCGError:
    """The error another process reported by its code, message and place, as the class of that code
    (a code the catalogue does not hold comes back as the base class, code E000)."""
    return CATALOGUE.get(code, PCGError)(message, path=path, line=line)


def error_json(error: PCGError) -> bytes:
    """An error as ``kg serve`` sends it in JSON (the API, and refusals before a route is reached):
    ``{"error": {"code": …, "message": …}}``."""
    import json

    return json.dumps({"error": {"code": error.code, "message": error.message}}, ensure_ascii=False).encode("utf-8")
