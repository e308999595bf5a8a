"""`kg serve` as an attacker and a crowd would use it (issue #15, items 1, 2, 9, 15 and 16): started
as users start it, in its own process, with a real internal service beside it that a federated
query would reach."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.ports import free_port
from tests.conftest import REPO
from tests.hostile.conftest import alive, descendants
from tests.hostile.test_sparql_guard import DISGUISES

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/policy-coherence-graph/ontology#Provision> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def serve(timeout: int = 60) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port), "--timeout", str(timeout)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?" + urllib.parse.urlencode({"query": "ASK {}"}), timeout=5):
                return process, url
        except OSError:
            assert process.poll() is None, process.stderr.read()
            time.sleep(0.2)
    process.kill()
    pytest.fail("kg serve did not answer within 90 s")


@pytest.fixture(scope="module")
def endpoint(built_graph):
    process, url = serve(timeout=3)
    yield process, url
    process.terminate()
    process.wait(timeout=20)


def ask(url: str, query: str, how: str = "GET", accept: str = "application/sparql-results+json"):
    if how == "GET":
        request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
    elif how == "form":
        request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
    else:
        request = urllib.request.Request(url, data=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                                             "Accept": accept})
    return urllib.request.urlopen(request, timeout=30)


@pytest.mark.parametrize("name", list(DISGUISES))
def test_no_disguise_makes_the_endpoint_call_another_server(endpoint, recorder, name):
    _, url = endpoint
    target, hits = recorder
    for how in ("GET", "form", "body"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            ask(url, DISGUISES[name].format(url=target), how)
        assert refused.value.code == 400
        text = refused.value.read().decode()
        assert "E020" in text or "E021" in text
    assert hits == []


def listening_ports(pid: int) -> set[int]:
    """TCP ports in LISTEN state held by ``pid`` or its descendants."""
    inodes = set()
    for p in [pid, *descendants(pid)]:
        try:
            for fd in os.listdir(f"/proc/{p}/fd"):
                target = os.readlink(f"/proc/{p}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="utf-8") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_nothing_but_the_checked_endpoint_listens(endpoint):
    """Item 2: an unguarded engine on a loopback port let any local process skip the check."""
    process, url = endpoint
    assert listening_ports(process.pid) == {int(url.rsplit(":", 1)[1].split("/")[0])}


def test_fifty_clients_five_rounds_no_reset_no_error(endpoint):
    """Item 15: with a listen backlog of 5, about 5% of 20 concurrent connections were reset."""
    _, url = endpoint
    barrier = threading.Barrier(50)

    def client(_) -> list[int]:
        counts = []
        barrier.wait()
        for _round in range(5):
            with ask(url, COUNT) as response:
                counts.append(int(json.loads(response.read())["results"]["bindings"][0]["n"]["value"]))
        return counts

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(client, range(50)))
    assert len(results) == 50 and all(len(r) == 5 and min(r) == max(r) > 4000 for r in results)


def test_the_time_limit_stops_the_work_not_just_the_wait(endpoint):
    """Item 15: a cartesian product was answered never, and its engine computed on for minutes."""
    process, url = endpoint
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as stopped:
        ask(url, RUNAWAY)
    assert stopped.value.code == 503 and "E022" in stopped.value.read().decode()
    assert time.monotonic() - started < 20
    busy_before = cpu_seconds(process.pid)
    time.sleep(2)
    assert cpu_seconds(process.pid) - busy_before < 0.5  # nothing is still computing
    with ask(url, COUNT) as response:  # and the endpoint answers the next query
        assert response.status == 200


def cpu_seconds(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{p}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / ticks


@pytest.mark.parametrize("headers, body, status, says", [
    ({"Content-Length": "-5"}, b"", 400, "Content-Length"),
    ({"Content-Length": "abc"}, b"", 400, "Content-Length"),
    ({"Content-Length": "99999999999"}, b"", 413, "bytes"),
    ({"Content-Type": "application/sparql-query"}, b"SELECT * WHERE { ?s ?p \"\xff\" }", 400, "UTF-8"),
    ({"Content-Type": "text/plain"}, b"SELECT * WHERE { ?s ?p ?o }", 400, "no query"),
])
def test_bad_requests_get_a_reason_not_a_dropped_connection(endpoint, headers, body, status, says):
    _, url = endpoint
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("POST", parts.path)
    for name, value in headers.items():
        connection.putheader(name, value)
    if "Content-Length" not in headers:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    if body and "Content-Length" not in headers:
        connection.send(body)
    response = connection.getresponse()
    assert response.status == status and says in response.read().decode()
    assert response.getheader("Access-Control-Allow-Origin") == "*"
    connection.close()


def test_writes_are_refused_and_preflights_answered(endpoint):
    _, url = endpoint
    for method, path in (("POST", "/update"), ("PUT", "/query"), ("DELETE", "/query")):
        request = urllib.request.Request(url.replace("/query", path), data=b"CLEAR ALL", method=method,
                                         headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
    preflight = urllib.request.Request(url, method="OPTIONS", headers={
        "Origin": "http://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    with urllib.request.urlopen(preflight, timeout=30) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]
        assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_a_query_page_on_another_origin_reads_the_endpoint(endpoint, browser, tmp_path):  # noqa: F811
    """Item 16: YASGUI and the like run in a browser on another origin; the README said the endpoint
    sends CORS headers, but proxied answers carried none and a preflight got 501."""
    _, url = endpoint
    (tmp_path / "client.html").write_text(f"""<!doctype html><html><body><pre id="out">waiting</pre><script>
fetch({json.dumps(url)}, {{method: "POST", headers: {{"Content-Type": "application/sparql-query",
  "Accept": "application/sparql-results+json"}}, body: {json.dumps(COUNT)}}})
  .then(r => r.json()).then(j => {{ document.getElementById("out").textContent = "rows:" + j.results.bindings[0].n.value; }})
  .catch(e => {{ document.getElementById("out").textContent = "failed: " + e; }});
</script></body></html>""", encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://localhost:{site.server_address[1]}/client.html")  # another origin than 127.0.0.1:port
        page.wait_for_function("document.getElementById('out').textContent !== 'waiting'", timeout=30_000)
        assert page.locator("#out").inner_text().startswith("rows:")
    finally:
        page.close()
        site.shutdown()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_no_process_is_left_when_the_endpoint_stops(built_graph, how):
    """Item 9: a stopped `kg serve` left its engine running."""
    process, url = serve()
    with ask(url, COUNT):
        pass
    children = descendants(process.pid)
    assert children, "the endpoint runs its queries in worker processes"
    process.send_signal(how)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)]
