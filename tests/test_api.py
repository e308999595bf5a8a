"""The question-answering API of `kg serve`, as a client uses it: the server started as users start
it, in its own process, and asked over HTTP (urllib) — search, direct answers, the OpenAPI
description, twenty clients at once, and refusals that are coded JSON, never a traceback."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.hostile.test_endpoint import serve


@pytest.fixture(scope="module")
def api(built_graph):
    process, url = serve()
    yield url.removesuffix("/query") + "/api"
    process.terminate()
    process.wait(timeout=20)


def get(url: str) -> tuple[int, dict, str]:
    """Status, parsed JSON body and raw body of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            status, body, media_type = response.status, response.read().decode("utf-8"), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        status, body, media_type = error.code, error.read().decode("utf-8"), error.headers["Content-Type"]
    assert "Traceback" not in body
    assert media_type.startswith("application/json"), body[:200]
    return status, json.loads(body), body


def query(api: str, route: str, **parameters) -> str:
    return f"{api}/{route}?" + urllib.parse.urlencode(parameters, doseq=True)


def test_search_returns_cited_hits(api):
    status, data, _ = get(query(api, "search", q="who must prepare a slavery and human trafficking statement", k=3))
    assert status == 200 and len(data["hits"]) == 3
    first = data["hits"][0]
    assert first["provision"].startswith("uk-msa-2015/s54") and first["citation"].startswith("s.54")
    assert first["instrument"] == "uk-msa-2015" and first["text"] and isinstance(first["score"], float)
    assert first["iri"].endswith("/" + first["provision"])


def test_search_keeps_to_the_instruments_asked_for(api):
    status, data, _ = get(query(api, "search", q="victims", instrument=["eu-atd-2011", "palermo-protocol"], k=10))
    assert status == 200 and {h["instrument"] for h in data["hits"]} <= {"eu-atd-2011", "palermo-protocol"}


def test_answer_returns_the_bearer_of_a_who_must_question(api):
    status, data, _ = get(query(api, "answer", q="Who must prepare a slavery and human trafficking statement?"))
    assert status == 200 and data["asked"]["kind"] == "bearer"
    found = data["answers"][0]
    assert "commercial organisation" in found["answer"].lower() and found["provision"] == "uk-msa-2015/s54/1"
    assert found["evidence"].startswith("A commercial organisation") and found["modality"] == "obligation"
    assert len(data["hits"]) == 5


def test_answer_says_so_when_there_is_no_answer(api):
    status, data, _ = get(query(api, "answer", q="Who must water the plants in the embassy garden?"))
    assert status == 200 and data["answers"] == [] and data["hits"] and data["notes"]


def test_openapi_describes_the_three_paths(api):
    status, data, _ = get(f"{api}/openapi.json")
    assert status == 200 and data["openapi"].startswith("3.1")
    assert set(data["paths"]) == {"/api/search", "/api/answer", "/api/openapi.json"}
    parameters = {p["name"] for p in data["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters == {"q", "k", "instrument"}


def test_twenty_clients_at_once_all_get_answers(api):
    questions = ["who must report suspicious transactions", "what does 'obliged entity' mean",
                 "who may appoint an acting commissioner", "forced labour ban", "assistance for child victims"]
    urls = [query(api, "answer" if n % 2 else "search", q=questions[n % len(questions)]) for n in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(get, urls))
    assert [status for status, _, _ in results] == [200] * 20
    assert all(data["hits"] for _, data, _ in results)


@pytest.mark.parametrize("route, parameters, status, code", [
    ("search", {"q": "x" * 1001}, 413, "E025"),
    ("answer", {"q": "who must " + "report " * 200}, 413, "E025"),
    ("search", {"q": "forced labour", "k": "0"}, 400, "E025"),
    ("search", {"q": "forced labour", "k": "51"}, 400, "E025"),
    ("search", {"q": "forced labour", "k": "ten"}, 400, "E025"),
    ("search", {"q": "forced labour", "instrument": "no-such-law"}, 400, "E010"),
    ("answer", {}, 400, "E025"),
    ("answer", {"q": "   "}, 400, "E025"),
    ("nowhere", {"q": "x"}, 404, "E025"),
])
def test_refusals_are_json_with_a_code(api, route, parameters, status, code):
    got, data, _ = get(query(api, route, **parameters))
    assert got == status and data["error"]["code"] == code and data["error"]["message"]


def test_a_request_line_over_the_limit_is_refused_as_json(api):
    got, data, _ = get(query(api, "search", q="x" * 70_000))
    assert got == 414 and data["error"]["code"] == "E025"


def test_only_get_is_served(api):
    request = urllib.request.Request(query(api, "search", q="x"), data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    body = refused.value.read().decode("utf-8")
    assert refused.value.code == 405 and json.loads(body)["error"]["code"] == "E025" and "Traceback" not in body
