"""Asking the graph: :func:`ask` (a question's direct answers and its ranked provisions, for the
app's Ask page, ``kg answer`` and ``kg eval answers``), and the question-answering API that
``python -m kg serve`` serves beside its SPARQL endpoint:

- ``GET /api/search?q=…&k=…&instrument=…``: the provisions that answer a question, cited, best first;
- ``GET /api/answer?q=…&k=…&instrument=…``: the graph's direct answer(s) (kg.search.direct_answers:
  the bearer of a norm or a defined term, each with its provision and evidence), then the provisions;
- ``GET /api/openapi.json``: the OpenAPI 3.1 description of the three.

The same limits as the app's Ask page and the CLI: a question of at most
kg.search.answering.MAX_QUERY_CHARS characters (a longer one is refused with 413, not cut), ``k``
from 1 to :data:`MAX_K`, instruments the graph holds. Every error is JSON, ``{"error": {"code":
"E0xx", "message": …}}``, with the catalogue's codes (kg.errors), and never a traceback.

Why here and not in kg.sparql.endpoint: the endpoint (SPARQL for people) and search are independent
of each other (tests/test_architecture.py), so the API lives above both and the endpoint serves it as
a route it is handed (kg.sparql.endpoint.Route). :func:`ask` is here too, not in kg.search, because it
joins search (kg.search.answering) and the direct answers (kg.search.direct_answers), and either one
importing the other would make the chain of imports one floor higher than the architecture allows.
Search runs in the server's own threads: the index, the encoder and the obligations are loaded once
per process and only read after that.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from dataclasses import dataclass
from email.message import Message

from kg.errors import (EmbeddingModelError, EncoderError, InternalError, NoGraphError, PCGError,
                       QuestionEncoderError, RequestError, error_json)
from kg.search.answering import MAX_QUERY_CHARS, Hit, clean_query, search
from kg.search.direct_answers import CANDIDATE_HITS, Asked, DirectAnswer, direct_answers

log = logging.getLogger("pcg.api")
JSON_TYPE = "application/json"
PREFIX = "/api"
MAX_K = 50
DEFAULT_K = 10
ANSWER_HITS = 5  # provisions after a direct answer, unless k asks for more
SNIPPET_CHARS = 500
# Errors that mean the server cannot answer yet (no graph, no encoder), not that the request is wrong
NOT_READY = (NoGraphError, EncoderError, EmbeddingModelError, QuestionEncoderError)


@dataclass
class Answers:
    """A question's direct answers (one per instrument it names, or one, or none), and its ranked
    provisions."""

    question: str
    asked: Asked | None
    answers: list[DirectAnswer]
    hits: list[Hit]
    notes: list[str]

    def as_dict(self) -> dict:
        return {"question": self.question, "asked": self.asked.as_dict() if self.asked else None,
                "answers": [a.as_dict() for a in self.answers], "hits": [h.as_dict() for h in self.hits],
                "notes": self.notes}


def ask(question: str, *, k: int = 10, instruments: list[str] | None = None, jurisdictions: list[str] | None = None,
        actor_kinds: list[str] | None = None, modalities: list[str] | None = None,
        with_related: bool = True) -> Answers:
    """The graph's direct answer(s) to ``question`` and its ``k`` best provisions (filtered as
    kg.search.answering.search filters them)."""
    text, _ = clean_query(question)
    filters = dict(jurisdictions=jurisdictions, actor_kinds=actor_kinds, modalities=modalities)
    hits, notes = search(question, k=max(k, CANDIDATE_HITS), instruments=instruments, with_related=with_related,
                         **filters)

    def search_within(chosen: list[str]) -> list[Hit]:
        return search(question, k=CANDIDATE_HITS, instruments=chosen, with_related=False, **filters)[0]

    asked, answers = direct_answers(text, hits, search_within, instruments)
    if asked and not answers:
        notes.append(f"Read as a '{asked.wording}' question, but no provision answers it with confidence: "
                     "the closest provisions follow.")
    return Answers(text, asked, answers, hits[:k], notes)


class Refused(Exception):
    """A request refused with an HTTP status and a catalogued error."""

    def __init__(self, status: int, error: PCGError):
        super().__init__(error.message)
        self.status, self.error = status, error


def handle(method: str, target: str, headers: Message) -> tuple[int, bytes, str]:
    """One API request (kg.sparql.endpoint.Route): its status, JSON body and media type."""
    try:
        if method not in ("GET", "HEAD"):
            raise Refused(405, RequestError(f"{method} is not served here: the API answers GET requests"))
        parts = urllib.parse.urlsplit(target)
        route = parts.path.rstrip("/")
        if route not in ROUTES:
            raise Refused(404, RequestError(f"no such resource: {route or '/'}; the API serves "
                                            + ", ".join(sorted(ROUTES))))
        return 200, json.dumps(ROUTES[route](_parameters(parts.query)), ensure_ascii=False).encode("utf-8"), JSON_TYPE
    except Refused as refused:
        return refused.status, error_json(refused.error), JSON_TYPE
    except NOT_READY as error:
        return 503, error_json(error), JSON_TYPE
    except PCGError as error:  # what search refuses (an empty question, an unknown instrument): E010
        return 400, error_json(error), JSON_TYPE
    except Exception as error:  # noqa: BLE001 - the answer is a code and a reason, never a traceback
        log.exception("API request %s failed", target[:200])
        return 500, error_json(InternalError(f"the server failed while answering ({type(error).__name__})")), JSON_TYPE


def _parameters(query: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as err:
        raise Refused(400, RequestError(f"the query string cannot be read: {err}")) from None


def _one(parameters: dict[str, list[str]], name: str) -> str | None:
    values = parameters.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise Refused(400, RequestError(f"give '{name}' once, not {len(values)} times"))
    return values[0]


def _question(parameters: dict[str, list[str]]) -> str:
    question = _one(parameters, "q")
    if question is None or not question.strip():
        raise Refused(400, RequestError("no question: give q=…, e.g. /api/answer?q=who+must+report"))
    if len(question) > MAX_QUERY_CHARS:
        raise Refused(413, RequestError(f"the question is {len(question):,} characters; up to {MAX_QUERY_CHARS:,} "
                                        "are accepted"))
    return question


def _k(parameters: dict[str, list[str]], default: int) -> int:
    raw = _one(parameters, "k")
    if raw is None:
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_K:
        raise Refused(400, RequestError(f"k must be a whole number from 1 to {MAX_K}, not {raw[:20]!r}"))
    return int(raw)


def _instruments(parameters: dict[str, list[str]]) -> list[str] | None:
    return [value for value in parameters.get("instrument", []) if value] or None  # search names unknown ones


def _hit(hit) -> dict:
    from kg.rdf.terms import id_ns

    text = hit.text if len(hit.text) <= SNIPPET_CHARS else hit.text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return {"provision": hit.provision, "citation": hit.citation, "instrument": hit.instrument,
            "score": hit.score, "heading": hit.heading, "text": text, "best_sentence": hit.best_sentence,
            "iri": id_ns() + hit.provision}


def search_response(parameters: dict[str, list[str]]) -> dict:
    question = _question(parameters)
    hits, notes = search(question, k=_k(parameters, DEFAULT_K), instruments=_instruments(parameters),
                         with_related=False)
    return {"question": question, "notes": notes, "hits": [_hit(h) for h in hits]}


def answer_response(parameters: dict[str, list[str]]) -> dict:
    from kg.rdf.terms import id_ns

    question = _question(parameters)
    result = ask(question, k=_k(parameters, ANSWER_HITS), instruments=_instruments(parameters),
                    with_related=False)
    return {"question": result.question, "asked": result.asked.as_dict() if result.asked else None,
            "answers": [dict(a.as_dict(), iri=id_ns() + a.provision) for a in result.answers],
            "notes": result.notes, "hits": [_hit(h) for h in result.hits]}


def openapi(parameters: dict[str, list[str]] | None = None) -> dict:
    """The OpenAPI 3.1 description of the API."""
    question = {"name": "q", "in": "query", "required": True, "description": "The question in plain words",
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}}
    instrument = {"name": "instrument", "in": "query", "required": False, "style": "form", "explode": True,
                  "description": "Only these instruments (repeatable), e.g. uk-msa-2015",
                  "schema": {"type": "array", "items": {"type": "string"}}}

    def k(default: int) -> dict:
        return {"name": "k", "in": "query", "required": False, "description": "How many provisions",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_K, "default": default}}

    def errors(*statuses: int) -> dict:
        reasons = {400: "The request is malformed (missing q, bad k, unknown instrument)",
                   404: "No such resource", 405: "Only GET is served", 413: "The question is too long",
                   500: "The server failed while answering", 503: "The graph or the search model is not ready"}
        return {str(s): {"description": reasons[s], "content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/Error"}}}}
                for s in statuses}

    def ok(schema: str, description: str) -> dict:
        return {"200": {"description": description,
                        "content": {JSON_TYPE: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}}

    text, number, strings = {"type": "string"}, {"type": "number"}, {"type": "array", "items": {"type": "string"}}
    nullable = {"type": ["string", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Policy Coherence Graph question-answering API", "version": "1.0.0",
                 "description": "Plain-language questions over anti-trafficking law: ranked provisions, cited, "
                                "and the graph's direct answers (who must, may or must not do what; what a term "
                                "is). Read-only; served by `python -m kg serve` beside the SPARQL endpoint."},
        "paths": {
            f"{PREFIX}/search": {"get": {
                "summary": "Provisions that answer a question, best first",
                "operationId": "search", "parameters": [question, k(DEFAULT_K), instrument],
                "responses": {**ok("SearchResult", "Ranked provisions"), **errors(400, 413, 500, 503)}}},
            f"{PREFIX}/answer": {"get": {
                "summary": "The graph's direct answer(s) with their evidence, then the provisions",
                "operationId": "answer", "parameters": [question, k(ANSWER_HITS), instrument],
                "responses": {**ok("AnswerResult", "Direct answers (possibly none) and ranked provisions"),
                              **errors(400, 413, 500, 503)}}},
            f"{PREFIX}/openapi.json": {"get": {
                "summary": "This description", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {JSON_TYPE: {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {
            "Hit": {"type": "object", "required": ["provision", "citation", "instrument", "score", "text"],
                    "properties": {"provision": text, "citation": text, "instrument": text, "score": number,
                                   "heading": nullable, "text": text, "best_sentence": nullable,
                                   "iri": {"type": "string", "format": "uri"}}},
            "DirectAnswer": {"type": "object", "required": ["kind", "answer", "instrument", "provision", "citation"],
                             "properties": {
                                 "kind": {"enum": ["bearer", "definition"]}, "answer": text, "instrument": text,
                                 "provision": text, "citation": text, "score": number,
                                 "signals": {"type": "object", "additionalProperties": number},
                                 "evidence": text, "actor": nullable, "actor_label": nullable, "actor_kind": nullable,
                                 "modality": nullable, "strength": nullable, "action": nullable,
                                 "conditions": strings, "exceptions": strings,
                                 "iri": {"type": "string", "format": "uri"}}},
            "SearchResult": {"type": "object", "required": ["question", "hits"],
                             "properties": {"question": text, "notes": strings,
                                            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}},
            "AnswerResult": {"type": "object", "required": ["question", "answers", "hits"],
                             "properties": {
                                 "question": text, "notes": strings,
                                 "asked": {"type": ["object", "null"]},
                                 "answers": {"type": "array", "items": {"$ref": "#/components/schemas/DirectAnswer"}},
                                 "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}},
            "Error": {"type": "object", "required": ["error"],
                      "properties": {"error": {"type": "object", "required": ["code", "message"],
                                               "properties": {"code": {"type": "string", "pattern": "^E[0-9]{3}$"},
                                                              "message": text}}}},
        }},
    }


ROUTES = {f"{PREFIX}/search": search_response, f"{PREFIX}/answer": answer_response,
          f"{PREFIX}/openapi.json": openapi}


def routes() -> dict:
    """What ``kg serve`` mounts beside the SPARQL protocol (kg.sparql.endpoint.Route)."""
    return {PREFIX: handle}
