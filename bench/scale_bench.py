"""Scale benchmark: the graph at 1×, 10× and 100× its real size (bench/synthetic_graph.py), on the
embedded store and on a SPARQL server, and the build's stages on 10× input.

For each scale and engine, in a child process of its own: load time, store size on disk, peak
memory, and the p50/p95 latency of every library query (``kg.store.queries.library()``, run as a
researcher runs it, with its example values). Growth factors compare each scale with the one
before (10 would be linear).

- embedded: the on-disk store ``kg build`` writes (bulk load and optimise: load time, size), then
  the in-memory copy the readers query (kg.store.builds.memory_copy), whose load time, the
  process's peak memory and the queries are measured;
- oxigraph-server: ``oxigraph serve`` (kg.store.oxigraph_server), loaded over SPARQL 1.1 Update
  (``INSERT DATA`` in chunks, as ``kg build`` does with PCG_SPARQL_UPDATE_URL) up to 10×, and by
  its bulk loader (``oxigraph load``) at every scale; queried over the protocol through
  kg.store.remote; peak memory is the server's;
- virtuoso: loaded over the protocol at every scale and queried (kg.store.virtuoso_server), with
  the page buffers and result cap a graph of 100× wants (:data:`VIRTUOSO_BUFFERS`).

The build's stages (parsing, extraction, themes, SHACL, embeddings) at 1× and 10×: ``kg build``
run from cold caches on the real corpus and on ten copies of it (:func:`build_stages`).

Prints a table and writes ``bench/results/scale.json``; a run of some scales or engines
(``--scales 100 --engines embedded``) replaces those rows and keeps the others.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import write_results

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "scale.json"
SCALES = (1, 10, 100)
# timed runs of each query per scale, after one that counts its rows (0: that one is timed)
RUNS = {1: 7, 10: 5, 100: 2}
QUERY_TIMEOUT_S = 600
# Loading an Oxigraph server over SPARQL 1.1 Update is measured up to 10×: at 100× it would take about
# 20 minutes (21,000 triples a second at 10× on 2 cores); its bulk loader is measured at every scale.
PROTOCOL_LOAD_UP_TO = 10
# Virtuoso set as its guide says for a graph this size, and the same at every scale: 5.2 GB of page
# buffers (it ships with 160 MB: at 100× every query would read from disk), and a result cap above
# the largest library answer (465,000 rows at 100×; it ships with 10,000, past which the remote
# store refuses the answer, E027)
VIRTUOSO_BUFFERS = 680_000
VIRTUOSO_RESULT_CAP = 1_000_000
# How each server is queried (kg.store.remote, PCG_SPARQL_DATASET): Virtuoso reads its own default
# graph, because a listed one slows it with every graph (the auto setting lists the graphs there, its
# system graphs being in its union); an Oxigraph server as the auto setting finds. Each is also
# timed with the project's graphs listed, up to the scale where that still ends within the hour
# (Virtuoso at 10× took 30 times as long as at 1×; an Oxigraph server at 10×, 131 s for one query).
ENGINE_DATASET = {"virtuoso": "endpoint"}
LISTED_DATASET_UP_TO = {"virtuoso": 10, "oxigraph-server": 1}


def engines() -> dict[str, object]:
    """The engines to measure: the embedded store, and each SPARQL server whose starter is installed."""
    from kg.store.oxigraph_server import start_oxigraph

    found: dict[str, object] = {"embedded": None, "oxigraph-server": start_oxigraph}
    try:
        from kg.store.virtuoso_server import start_virtuoso  # added with the Virtuoso remote store
    except ImportError:
        pass
    else:
        found["virtuoso"] = start_virtuoso
    return found


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_mib(pid: int) -> float:
    """A running process's peak resident memory (VmHWM), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def query_latencies(store, scale: int) -> dict[str, dict]:
    """p50/p95 milliseconds and row count of every library query; a query the engine refuses or
    times out on is kept as its error (a result of the run, not the end of it)."""
    from kg.errors import PCGError
    from kg.store.queries import library, runnable_library_query, select

    out = {}
    for entry in library():
        text = runnable_library_query(entry["name"])
        start = time.perf_counter()
        try:
            rows = len(select(store, text))
        except PCGError as refused:
            out[entry["name"]] = {"error": str(refused)[:400], "after_ms": round((time.perf_counter() - start) * 1000)}
            print(f"  {entry['name']}: {str(refused)[:200]}", flush=True)
            continue
        times = [] if RUNS[scale] else [(time.perf_counter() - start) * 1000]
        for _ in range(RUNS[scale]):
            start = time.perf_counter()
            select(store, text)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        out[entry["name"]] = {"rows": rows, "p50_ms": round(statistics.median(times), 1),
                              "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1)}
    return out


def insert_copy(remote, nquads: str) -> int:
    """One copy sent as SPARQL 1.1 Update, as ``kg build`` loads a remote store: ``INSERT DATA`` per
    named graph in chunks that halve when the engine refuses one (kg.store.remote)."""
    from pyoxigraph import RdfFormat, parse

    return remote.insert_quads(parse(nquads.encode("utf-8"), format=RdfFormat.N_QUADS))


def load_on_disk(text: str, scale: int, folder: Path) -> float:
    """Seconds to bulk-load ``scale`` copies into a new on-disk store, as ``kg build`` writes one."""
    from pyoxigraph import RdfFormat, Store

    from synthetic_graph import stream

    start = time.perf_counter()
    store = Store(str(folder))
    store.bulk_load(input=stream(text, scale), format=RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store
    return time.perf_counter() - start


def measure_embedded(text: str, scale: int, folder: Path) -> dict:
    """The on-disk store ``kg build`` writes (load time, size), then the in-memory copy the readers
    query (kg.store.builds.memory_copy: its load time, the process's peak memory, the queries)."""
    from pyoxigraph import RdfFormat, Store

    from synthetic_graph import stream

    load_s = load_on_disk(text, scale, folder)
    size = folder_size(folder)
    shutil.rmtree(folder)
    start = time.perf_counter()
    store = Store()
    store.bulk_load(input=stream(text, scale), format=RdfFormat.N_QUADS)
    memory_load_s = time.perf_counter() - start
    queries = query_latencies(store, scale)
    return {"load_s": round(load_s, 1), "memory_copy_load_s": round(memory_load_s, 1), "triples": len(store),
            "store_mb": round(size / 1e6, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "queries": queries}


def remote_store(started: tuple, dataset: str = "listed"):
    """A kg.store.remote client of a server a starter returned (query URL, update URL, credentials)."""
    from kg.store.remote import RemoteStore
    from kg.store.remote_auth import Credentials

    query_url = started[1]
    update_url = started[2] if len(started) > 2 else query_url.rsplit("/", 1)[0] + "/update"
    credentials = Credentials(started[3], started[4]) if len(started) > 4 else None
    return RemoteStore(query_url, update_url, timeout=QUERY_TIMEOUT_S, credentials=credentials, dataset=dataset)


def start_server(engine: str, folder: Path) -> tuple:
    folder.mkdir(parents=True, exist_ok=True)
    if engine == "virtuoso":
        return engines()[engine](folder, timeout_s=QUERY_TIMEOUT_S, result_cap=VIRTUOSO_RESULT_CAP,
                                 buffers=VIRTUOSO_BUFFERS)
    return engines()[engine](folder, timeout_s=QUERY_TIMEOUT_S)


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=60)


def protocol_load_s(engine: str, text: str, scale: int, folder: Path) -> tuple[float, int]:
    """Seconds to load ``scale`` copies into a new server over SPARQL 1.1 Update, and triples sent."""
    from synthetic_graph import copies

    started = start_server(engine, folder)
    try:
        remote = remote_store(started)
        start = time.perf_counter()
        sent = sum(insert_copy(remote, part) for part in copies(text, scale))
        return time.perf_counter() - start, sent
    finally:
        stop(started[0])
        shutil.rmtree(folder, ignore_errors=True)


def measure_server(engine: str, text: str, scale: int, work: Path) -> dict:
    """A SPARQL server. An Oxigraph server: loaded over the protocol (up to
    :data:`PROTOCOL_LOAD_UP_TO`) and by its bulk loader (``oxigraph load``), the store it then
    serves and is queried on. Another engine: loaded over the protocol at every scale, and queried
    as loaded. Peak memory is the server's own."""
    from kg.store.oxigraph_server import oxigraph_binary
    from synthetic_graph import copies, stream

    result: dict = {}
    folder = work / "store"
    if engine == "oxigraph-server":
        if scale <= PROTOCOL_LOAD_UP_TO:
            seconds, sent = protocol_load_s(engine, text, scale, work / "protocol")
            result.update(protocol_load_s=round(seconds, 1), triples_sent=sent)
        start = time.perf_counter()
        loader = subprocess.Popen([oxigraph_binary(), "load", "--location", str(folder), "--format", "nq"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with stream(text, scale) as source:
            shutil.copyfileobj(source, loader.stdin, 1 << 20)
        loader.stdin.close()
        if loader.wait() != 0:
            raise SystemExit("oxigraph load failed")
        result.update(bulk_load_s=round(time.perf_counter() - start, 1))
        started = start_server(engine, folder)
    else:  # another engine is loaded over the protocol, and queried as loaded
        started = start_server(engine, folder)
        start = time.perf_counter()
        sent = sum(insert_copy(remote_store(started), part) for part in copies(text, scale))
        result.update(protocol_load_s=round(time.perf_counter() - start, 1), triples_sent=sent)
    try:
        remote = remote_store(started, ENGINE_DATASET.get(engine, "auto"))
        result.update(triples=len(remote), dataset=remote.resolved_dataset(), queries=query_latencies(remote, scale))
        if result["dataset"] != "listed" and scale <= LISTED_DATASET_UP_TO.get(engine, 0):
            result.update(queries_listed_dataset=query_latencies(remote_store(started), scale))
        result.update(peak_rss_mib=round(peak_rss_mib(started[0].pid), 1))
    finally:
        stop(started[0])
    result.update(load_s=result.get("bulk_load_s", result.get("protocol_load_s")),
                  store_mb=round(folder_size(folder) / 1e6, 1))
    return result


def measure_one(scale: int, engine: str, work: Path) -> dict:
    """Load ``scale`` copies into ``engine`` and query it (run in a child process of its own)."""
    from kg.store.builds import require_current_build
    from synthetic_graph import template

    text = template(require_current_build().trig)
    if engine == "embedded":
        return measure_embedded(text, scale, work / "store")
    return measure_server(engine, text, scale, work)


def run_child(scale: int, engine: str) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"pcg-scale-{scale}x-") as work:
        out = Path(work) / "result.json"
        subprocess.run([sys.executable, __file__, "--one", str(scale), engine, str(out)], check=True,
                       cwd=REPO, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "bench")])})
        return json.loads(out.read_text())


def replicated_sources(scale: int, folder: Path) -> Path:
    """``scale`` copies of the corpus in ``folder``: copy 0 is the real one, copy k each instrument
    under the id ``<id>-c<k>`` and the short title "<short title> (copy k)", with the same text."""
    from kg.config import sources_dir

    for source in sorted(p for p in sources_dir().iterdir() if (p / "metadata.json").is_file()):
        meta = json.loads((source / "metadata.json").read_text(encoding="utf-8"))
        for copy in range(scale):
            name = meta["id"] if copy == 0 else f"{meta['id']}-c{copy}"
            target = folder / name
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pdf"))
            if copy:
                (target / "metadata.json").write_text(json.dumps(
                    {**meta, "id": name, "short_title": f"{meta['short_title']} (copy {copy})",
                     "title": f"{meta['title']} (copy {copy})"}, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def timed_build(scale: int) -> dict:
    """A full ``kg build --force`` of ``scale`` copies of the corpus, in a fresh data folder with
    cold caches. Only the adapted search encoders are shared, and the build reuses the real
    corpus's (``PCG_ENCODER_REUSE_SHARE=1``; at 1× it is the one trained on exactly these pairs):
    adapting is one training epoch over the corpus's pairs, about 4 minutes at 1× (README), so 10
    copies would train for about 40 minutes on 2 cores. Returns its stages' seconds and embedding
    counts (from its manifest), wall time and peak memory."""
    from kg.config import cache_dir

    with tempfile.TemporaryDirectory(prefix=f"pcg-build-{scale}x-") as scratch:
        cache = Path(scratch) / "cache"
        cache.mkdir()
        (cache / "encoders").symlink_to(cache_dir() / "encoders")
        sources = replicated_sources(scale, Path(scratch) / "sources")
        env = {**os.environ, "PCG_DATA_DIR": str(Path(scratch) / "data"), "PCG_CACHE_DIR": str(cache),
               "PCG_ENCODER_REUSE_SHARE": "1"}
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "kg", "build", "--force", "--quiet", "--sources", str(sources)],
                                 cwd=REPO, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        if status:
            raise SystemExit(f"the {scale}× build failed ({status})")
        manifest = json.loads((Path(scratch) / "data" / "current" / "manifest.json").read_text())
        return {"seconds": round(time.perf_counter() - start, 1), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
                "stages": manifest["stages"], "triples": manifest["triples"], "instruments": len(manifest["instruments"]),
                "embedded": {name: {k: v[k] for k in ("embedded", "cached")} for name, v in manifest["embedded"].items()}}


def build_stages() -> list[dict]:
    """The build's stages, measured at 1× and at 10×: ``kg build`` run on the real corpus and on ten
    copies of it, each from cold caches. Embedding reads each distinct text once, so at 10× the
    search units (which carry their instrument's title) are embedded ten times over, while the
    theme classifier's and the points' texts (no title) are embedded once; the rows say how many
    texts each build embedded."""
    rows = []
    for scale in (1, 10):
        build = timed_build(scale)
        how = (f"kg build of {build['instruments']} instruments, {build['triples']:,} triples; embedded "
               f"{build['embedded']['search']['embedded']:,} search and {build['embedded']['themes']['embedded']:,} theme texts")
        rows += [{"stage": stage, "scale": scale, "seconds": seconds, "how": how} for stage, seconds in build["stages"].items()]
        rows.append({"stage": "whole build (wall)", "scale": scale, "seconds": build["seconds"], "how": how,
                     "peak_rss_mib": build["peak_rss_mib"]})
    return rows


def growth(results: list[dict], engine: str, key) -> list[str]:
    values = [key(r) for r in results if r["engine"] == engine]
    return [f"{b / a:.1f}×" if a else "-" for a, b in zip(values, values[1:])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", nargs=3, metavar=("SCALE", "ENGINE", "OUT"))
    parser.add_argument("--scales", default=",".join(map(str, SCALES)))
    parser.add_argument("--engines", default=None, help="comma-separated; default: every engine found")
    parser.add_argument("--skip-build-stages", action="store_true")
    parser.add_argument("--only-build-stages", action="store_true", help="keep the store rows already written")
    args = parser.parse_args()
    if args.one:
        scale, engine, out = args.one
        Path(out).write_text(json.dumps(measure_one(int(scale), engine, Path(out).parent)))
        return
    scales = [int(s) for s in args.scales.split(",")]
    chosen = [] if args.only_build_stages else args.engines.split(",") if args.engines else list(engines())
    results = []
    for engine in chosen:
        for scale in scales:
            print(f"measuring {engine} at {scale}× …", flush=True)
            results.append({"engine": engine, "scale": scale, **run_child(scale, engine)})
    stages = None if args.skip_build_stages else build_stages()
    # read now, after every measurement: another run (other scales or engines) may have written meanwhile
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stages = previous.get("build_stages", []) if stages is None else stages
    measured = {(r["engine"], r["scale"]) for r in results}
    results = sorted([r for r in previous.get("results", []) if (r["engine"], r["scale"]) not in measured] + results,
                     key=lambda r: (r["engine"], r["scale"]))
    chosen = list(dict.fromkeys(r["engine"] for r in results))

    summary = []
    print(f"\n{'engine':16} {'scale':>5} {'triples':>11} {'load s':>8} {'other load s':>13} {'store MB':>9} "
          f"{'peak MiB':>9} {'sum p50 ms':>11} {'max p95 ms':>11}")
    for r in results:
        p50 = round(sum(q["p50_ms"] for q in r["queries"].values() if "p50_ms" in q), 1)
        # rows kept from an earlier run may hold only their slowest query's p95 (see the file's note)
        p95 = max((q["p95_ms"] for q in r["queries"].values() if "p95_ms" in q), default=r.get("library_p95_max_ms"))
        failed = sorted(name for name, q in r["queries"].items() if "error" in q)
        # the embedded store's in-memory copy; a server's load over the protocol (up to 10×)
        other = r.get("memory_copy_load_s", r.get("protocol_load_s", "-"))
        summary.append({"engine": r["engine"], "scale": r["scale"], "triples": r["triples"], "load_s": r["load_s"],
                        "other_load_s": other, "store_mb": r["store_mb"], "peak_rss_mib": r["peak_rss_mib"],
                        "library_p50_sum_ms": p50, "library_p95_max_ms": p95, "failed_queries": failed,
                        "dataset": r.get("dataset"),
                        "listed_dataset_p50_sum_ms": round(sum(q.get("p50_ms", 0) for q in r["queries_listed_dataset"].values()), 1)
                        if "queries_listed_dataset" in r else None})
        print(f"{r['engine']:16} {r['scale']:>4}× {r['triples']:>11,} {r['load_s']:>8} {other:>13} {r['store_mb']:>9} "
              f"{r['peak_rss_mib']:>9} {p50:>11} {p95:>11}")
    print("load s: embedded, the on-disk store as kg build writes it; a server, its bulk loader. other load s:\n"
          "embedded, the in-memory copy the readers query; a server, SPARQL 1.1 Update (INSERT DATA)")
    print("\ngrowth from one scale to the next (10× would be linear)")
    for engine in chosen:
        for name, key in (("triples", lambda r: r["triples"]), ("load", lambda r: r["load_s"]),
                          ("store size", lambda r: r["store_mb"]), ("peak memory", lambda r: r["peak_rss_mib"]),
                          ("library p50 sum", lambda r: sum(q.get("p50_ms", 0) for q in r["queries"].values()))):
            print(f"  {engine:16} {name:16} {'  '.join(growth(results, engine, key))}")
    print("\nper query p50 ms (rows) at each scale")
    for engine in chosen:
        mine = [r for r in results if r["engine"] == engine]
        for name in mine[0]["queries"]:
            cells = "  ".join(f"{r['queries'][name]['p50_ms']:>9} ({r['queries'][name]['rows']:>6})"
                              if "p50_ms" in r["queries"][name] else f"{'failed':>18}" for r in mine)
            print(f"  {engine:16} {name:36} {cells}")
        listed = [r for r in mine if "queries_listed_dataset" in r]
        for name in listed[0]["queries_listed_dataset"] if listed else ():
            cells = "  ".join(f"{r['queries_listed_dataset'][name].get('p50_ms', 'failed'):>9}" for r in listed)
            print(f"  {engine + ' listed':16} {name:36} {cells}")
    if stages:
        print("\nbuild stages")
        for row in stages:
            print(f"  {row['stage']:28} {row['scale']:>4}× {row['seconds']:>8} s  {row['how']}")
    # the note says where rows kept from earlier runs came from; a run that replaces them all drops it
    note = previous.get("note") if measured != {(r["engine"], r["scale"]) for r in results} else None
    write_results(RESULTS, "scale", results, **({"note": note} if note else {}), summary=summary,
                  build_stages=stages, engines_found=list(engines()), runs_per_query=RUNS)


if __name__ == "__main__":
    main()
