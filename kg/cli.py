"""``python -m kg …``: every capability of the app, on the command line.

Errors are one line on stderr (``[E00n] file:line: what went wrong``) and exit status 2;
tracebacks are kept for bugs, not for bad input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from kg.errors import PCGError, SearchInputError, UsageError, UserFileError
from kg.user_files import read_text


def _progress_bar():
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        key = stage.split(" ")[0]
        bar = bars.get(key)
        if bar is None or (bar.disable and done < total):  # a closed bar: the stage's next step
            bar = bars[key] = tqdm(total=total, desc=key, unit="step", file=sys.stderr, leave=True)
        bar.set_postfix_str(stage[len(key):].strip()[:40])
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def cmd_build(args) -> int:
    from kg.build.pipeline import build

    report = build(force=args.force, readapt=args.readapt, progress=None if args.quiet else _progress_bar(),
                   on_wait=lambda message: print(message, file=sys.stderr),
                   **({"sources_dir": Path(args.sources)} if args.sources else {}))
    if args.json:
        print(json.dumps({**report.as_dict(), "search_encoder": report.encoder}, indent=2))
        return 0
    if report.skipped:
        print(f"Graph is up to date (build {report.build_id}); nothing changed. Use --force to rebuild.")
    print(f"{'instrument':40} {'provisions':>10} {'divisions':>9} {'obligations':>11} {'triples':>8}  note")
    for r in report.instruments:
        notes = ["partial text"] if r.partial else []
        if r.warnings:
            notes.append(f"{len(r.warnings)} parse warning(s)")
        if not r.extraction:
            notes.append("obligations not extracted (not English)")
        elif r.extraction.get("unparsed_long"):
            notes.append(f"{r.extraction['unparsed_long']} sentence(s) too long to parse, read by pattern")
        print(f"{r.instrument:40} {r.provisions:>10} {r.divisions:>9} {r.obligations:>11} {r.triples:>8}  "
              f"{'; '.join(notes)}")
    total = sum(r.provisions for r in report.instruments)
    total_obligations = sum(r.obligations for r in report.instruments)
    print(f"{'total':40} {total:>10} {'':>9} {total_obligations:>11} {report.triples:>8}")
    print(f"{'Checked' if report.skipped else 'Built'} in {report.seconds:.1f} s → {report.path}")
    print(_encoder_summary(report))
    return 0


def _encoder_summary(report) -> str:
    """Which search encoder the build used, and what it embedded (kg.search.adaptation's reuse policy)."""
    from kg.search.adaptation import EncoderChoice

    lines = []
    if report.encoder:
        fields = {k: v for k, v in report.encoder.items() if k != "unseen_share"}
        lines.append(f"Search encoder: {EncoderChoice(**fields).describe()}.")
    if report.embedded:
        search, themes = report.embedded["search"], report.embedded["themes"]
        lines.append(f"Embedded {search['embedded']:,} texts for search ({search['cached']:,} from cache) and "
                     f"{themes['embedded']:,} for themes ({themes['cached']:,} from cache).")
    return "\n".join(lines)


def cmd_provisions(args) -> int:
    from kg.store import read

    rows = read.provisions(args.instrument)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['id']:45} {row['citation']}")
            print(f"    {row['text'][:200]!r}")
    return 0


def cmd_instruments(args) -> int:
    from kg.store import read

    rows = read.instruments()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        flag = "PARTIAL" if r["partial"] else "complete"
        print(f"{r['id']:40} {r['jurisdiction']:4} {r['kind']:11} {r['provisions']:>6}  {flag:8} {r['shortTitle']}")
    return 0


def cmd_add(args) -> int:
    from ingest.add import add_instrument

    result = add_instrument(
        Path(args.path), instrument_id=args.id, title=args.title, jurisdiction=args.jurisdiction,
        layout=args.layout, kind=args.kind, short_title=args.short_title, official_url=args.url,
        licence=args.licence, language=args.language, version_date=args.version_date,
        **({"sources_dir": Path(args.sources)} if args.sources else {}),
    )
    print(f"Added {result.instrument_id} (layout {result.layout}): {result.provisions} provisions "
          f"→ {result.folder}. Run `python -m kg build` to put it in the graph.")
    return 0


OBLIGATION_FIELDS = ("provision", "citation", "instrument", "modality", "strength", "actor", "actor_kind",
                     "actor_text", "bearer_source", "regulated_party", "regulated_party_kind", "action",
                     "conditions", "exceptions", "beneficiaries", "references", "sentence", "start", "end", "id")


def cmd_obligations(args) -> int:
    from kg.store import read

    if args.instrument:
        read.instrument(args.instrument)  # a clear error for an unknown id
    rows = read.obligations(instrument_id=args.instrument, actor_kind=args.actor_kind, modality=args.modality,
                            actor=args.actor, strength=args.strength,
                            normative_only=not args.all_kinds and not args.modality)
    for row in rows:
        if args.json:
            print(json.dumps({k: row[k] for k in OBLIGATION_FIELDS}, ensure_ascii=False))
        else:
            print(f"{row['citation']}: [{row['modality']}, {row['strength'] or '-'}] "
                  f"{row['actor'] or '?'} ({row['actor_kind'] or '?'}) — {row['action'] or row['sentence'][:100]}")
    if not args.json:
        print(f"{len(rows)} result(s)", file=sys.stderr)
    return 0


def cmd_search(args) -> int:
    from kg.search.answering import search

    def run(query: str) -> list[dict]:
        hits, notes = search(query, k=args.k, instruments=args.instrument, jurisdictions=args.jurisdiction,
                             actor_kinds=args.actor_kind, modalities=args.modality,
                             with_related=not args.batch)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        return [h.as_dict() for h in hits]

    if args.k < 1:
        raise SearchInputError(f"-k must be 1 or more (the number of answers), not {args.k}")
    if args.batch:
        for line in read_text(Path(args.batch), "file of questions").splitlines():
            try:
                hits = run(line)
            except SearchInputError as err:
                print(err.one_line(), file=sys.stderr)
                hits = []
            print(json.dumps(hits, ensure_ascii=False))
        return 0
    if args.query is None:
        raise SearchInputError("give a question, or --batch FILE with one question per line")
    hits = run(args.query)
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
    else:
        for rank, hit in enumerate(hits, start=1):
            print(f"{rank:2}. {hit['citation']}  (score {hit['score']:.4f})")
            print(f"    {(hit['best_sentence'] or hit['text'])[:220]}")
    return 0


def cmd_answer(args) -> int:
    from kg.api import ask

    if args.k < 1:
        raise SearchInputError(f"-k must be 1 or more (the number of provisions), not {args.k}")
    result = ask(args.question, k=args.k, instruments=args.instrument)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.asked:
        print(f"Read as: {result.asked.wording}" + (f" ({result.asked.term!r})" if result.asked.term else ""))
    for found in result.answers:
        print(f"\n{found.answer}  —  {found.citation}")
        if found.kind == "bearer":
            print(f"  {found.modality} ({found.strength or '-'}): {found.action or found.evidence}")
            for condition in found.conditions:
                print(f"  condition: {condition}")
            for exception in found.exceptions:
                print(f"  exception: {exception}")
        else:
            print(f"  {found.evidence[:400]}")
    if result.asked and not result.answers:
        print("No direct answer in the graph with confidence; the closest provisions:")
    print("\nProvisions, best first:")
    for rank, hit in enumerate(result.hits, start=1):
        print(f"{rank:2}. {hit.citation}  (score {hit.score:.4f})")
        print(f"    {(hit.best_sentence or hit.text)[:220]}")
    return 0


def cmd_import_bodies(args) -> int:
    from kg.build.membership_imports import import_bodies

    from kg.build.membership_imports import read_import_file

    path = Path(args.file)
    if not path.is_file():
        raise UserFileError("file not found", path=path)
    outcome = import_bodies(read_import_file(path.read_bytes(), str(path)), args.name or path.stem,
                            replace=args.replace, on_wait=lambda message: print(message, file=sys.stderr))
    for error in outcome["errors"]:
        print(f"{path} {error}", file=sys.stderr)
    if not outcome["imported_rows"]:
        print(f"Nothing imported: no valid row in {path}.", file=sys.stderr)
        return 2
    print(json.dumps(outcome))
    return 0 if not outcome["errors"] else 1


def cmd_remove_import(args) -> int:
    from kg.build.membership_imports import remove_import

    remove_import(args.name)
    print(f"Removed import '{args.name}' and rebuilt the graph.")
    return 0


def cmd_gaps(args) -> int:
    from kg.analysis.gaps import current_gaps

    current = current_gaps(args.jurisdiction)
    for error in current.row_errors:
        print(f"bodies.csv {error}", file=sys.stderr)
    gaps = current.bodies
    if args.summary:
        from kg.store import read
        from kg.analysis.gaps import summarise

        summary = summarise(gaps, current.partnerships, read.obligations(),
                            {r["id"]: r["jurisdiction"] for r in read.instruments()})
        if args.json:
            print(json.dumps([s.as_dict() for s in summary], indent=1, ensure_ascii=False))
        else:
            for s in summary:
                print(f"{s.jurisdiction:12} score {s.score:.2f}  {'LAW-TO-BODY GAP  ' if s.law_to_body_gap else ''}"
                      f"{s.explanation}")
                for c in s.components:
                    print(f"{'':14}{c['value']:.1f}  {c['name']}: {c['reason'][:140]}")
        return 0
    if args.json:
        print(json.dumps([g.as_dict() for g in gaps], indent=1, ensure_ascii=False))
        return 0
    for gap in gaps:
        flag = " (stale)" if gap.stale else ""
        print(f"{gap.body:16} {gap.jurisdiction:12} {gap.status:18}{flag}  {gap.statement}")
        for path in gap.indirect_paths[:2]:
            print(f"{'':30} via: {' → '.join(path)}")
    return 0


def cmd_themes(args) -> int:
    from kg.store import read
    from kg.store.queries import select_named

    read.instrument(args.instrument)  # a clear error for an unknown id
    rows = select_named(read.store(), "provision_themes", instrument=args.instrument)
    by_provision: dict[str, dict] = {}
    for r in rows:
        entry = by_provision.setdefault(r["provisionId"], {"provision": r["provisionId"], "citation": r["citation"],
                                                           "themes": []})
        entry["themes"].append({"theme": r["theme"], "confidence": r["confidence"], "method": r["method"]})
    for entry in by_provision.values():
        if args.json:
            print(json.dumps(entry, ensure_ascii=False))
        else:
            themes = ", ".join(f"{t['theme']} {t['confidence']:.2f} ({t['method']})" for t in entry["themes"])
            print(f"{entry['citation']:50} {themes}")
    if not args.json:
        print(f"{len(by_provision)} provision(s) with a theme", file=sys.stderr)
    return 0


def cmd_coherence(args) -> int:
    from kg.analysis import coherence, report
    from kg.analysis.scorecard import scorecard

    if args.matrix:
        matrix = coherence.matrix(args.by)
        if args.html:
            Path(args.html).write_text(report.matrix_html(matrix), encoding="utf-8")
        if args.json:
            print(json.dumps(matrix, ensure_ascii=False))
        elif not args.html:
            cells = {(c["row"], c["theme"]): c for c in matrix["cells"]}
            print(f"{'':36}" + " ".join(f"{t[:6]:>6}" for t in matrix["themes"]))
            for row in matrix["rows"]:
                print(f"{row:36}" + " ".join(
                    f"{cells[(row, t)]['provisions']:>5}{'*' if cells[(row, t)]['candidate_gap'] else ' '}"
                    for t in matrix["themes"]))
            print(f"articles/sections per theme; * candidate gap: {matrix['gap_rule']}", file=sys.stderr)
        return 0
    if not args.jurisdiction:
        raise UsageError("give --jurisdiction CODE (e.g. GB, AU, CA) or --matrix")
    card = scorecard(args.jurisdiction)
    if args.html:
        Path(args.html).write_text(report.scorecard_html(card), encoding="utf-8")
    if args.json:
        print(json.dumps(card, ensure_ascii=False, indent=1))
        return 0
    print(f"{card['name']} ({card['jurisdiction']}): {', '.join(card['instruments']) or 'no instrument in the graph'}")
    for rec in card["recommendations"]:
        print(f"\n{rec['title']}\n  {rec['summary']}")
        for ev in rec["evidence"]:
            print(f"  [{ev['stance']:7}] {ev['label'][:70]} — {ev['why'][:100]}" + (f" <{ev['link']}>" if ev["link"] else ""))
    covered = [c for c in card["coverage"] if c["provisions"]]
    print("\nthemes covered: " + ", ".join(f"{c['theme']} {c['provisions']}" for c in covered))
    print("candidate gaps: " + (", ".join(c["theme"] for c in card["coverage"] if c["candidate_gap"]) or "none"))
    return 0


def cmd_equivalents(args) -> int:
    from kg.analysis import coherence, report

    if args.compare:
        result = coherence.theme_differences(*args.compare)
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            for side, iid in (("only_a", result["a"]), ("only_b", result["b"])):
                print(f"only in {iid}: " + (", ".join(t["theme"] for t in result[side]) or "none"))
            print("in both: " + (", ".join(t["theme"] for t in result["both"]) or "none"))
        return 0
    if not args.provision:
        raise UsageError("give a provision id (e.g. palermo-protocol/art6/6) or --compare ID ID")
    result = coherence.equivalents(args.provision, k=args.k, instruments=args.instrument)
    if args.html:
        Path(args.html).write_text(report.equivalents_html(result), encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{result['citation']} [{', '.join(result['themes'])}] norms: {', '.join(result['modalities'])} "
          f"on {', '.join(result['bearer_kinds'])}")
    for block in result["by_instrument"]:
        print(f"\n{block['instrument']}")
        for m in block["matches"]:
            print(f"  {m['score']:.3f} {m['citation']:45} [{', '.join(m['themes'])}] "
                  f"{', '.join(m['modalities']) or '-'} on {', '.join(m['bearer_kinds']) or '-'}")
    return 0


def cmd_eval(args) -> int:
    from kg import evaluate

    if args.what == "search":
        if args.set not in (*evaluate.SEARCH_SETS, "all"):
            raise UsageError(f"search has no question set {args.set!r}; its sets are "
                             f"{', '.join(evaluate.SEARCH_SETS)} and all")
        sets = evaluate.SEARCH_SETS if args.set == "all" else (args.set,)
        report = evaluate.evaluate_search(sets, compare_stock=args.compare_stock)
        print(json.dumps(report, indent=2) if args.json else evaluate.format_search_eval(report))
        return 0
    if args.what == "answers":
        from kg.api import ask

        chosen = "dev" if args.dev else args.set
        if chosen not in (*evaluate.DIRECT_ANSWER_SETS, "all"):
            raise UsageError(f"answers has no question set {chosen!r}; its sets are "
                             f"{', '.join(evaluate.DIRECT_ANSWER_SETS)} and all")
        names = list(evaluate.DIRECT_ANSWER_SETS) if chosen == "all" else [chosen]
        tables = {name: evaluate.evaluate_answers(ask, evaluate.DIRECT_ANSWER_SETS[name]) for name in names}
        print(json.dumps(tables, indent=1, ensure_ascii=False) if args.json
              else "\n\n".join(evaluate.format_answer_eval(t, 10_000 if args.all else 40) for t in tables.values()))
        return 0
    run, show, limit = {
        "themes": (evaluate.evaluate_themes, evaluate.format_theme_eval, 30),
        "obligations": (evaluate.evaluate_obligations, evaluate.format_obligation_eval, 40),
    }[args.what]
    result = run()
    if args.json:
        print(json.dumps(result.as_dict(), indent=1, ensure_ascii=False))
    else:
        print(show(result, 10_000 if args.all else limit))
    return 0


def library_or_text(query: str) -> str:
    """A query given as text, a path to a .rq file, or a library query name."""
    from kg.config import QUERIES_DIR
    from kg.store.queries import runnable_library_query

    # a library name is a short path of words ("readers/provision"); query text is never looked up as
    # a file name, which the system refuses beyond 255 bytes ("File name too long")
    if LIBRARY_NAME.fullmatch(query) and (QUERIES_DIR / f"{query}.rq").is_file():
        return runnable_library_query(query)
    path = Path(query)
    if path.suffix in (".rq", ".sparql") or (len(query) < 300 and "\n" not in query and _is_file(path)):
        return read_text(path, "query file")
    return query


LIBRARY_NAME = re.compile(r"[\w-]+(?:/[\w-]+)*")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system: not a file
        return False


def cmd_sparql(args) -> int:
    from kg.sparql.result_formats import serialize, table
    from kg.store.queries import library
    from kg.sparql.console import run

    if args.list:
        for q in library():
            print(f"{q['name']:36} {q['title']}")
        return 0
    if not args.query:
        raise UsageError("give a query, a .rq file or a library query name (see --list)")
    result = run(library_or_text(args.query), row_cap=args.limit, timeout=args.timeout)
    if args.format == "table":
        print(table(result))
        if result.form != "ask":
            print(f"{len(result.bindings)} row(s) in {result.seconds:.3f} s", file=sys.stderr)
    else:
        sys.stdout.buffer.write(serialize(result, args.format))
        sys.stdout.flush()
    if result.truncated:
        print(f"note: stopped at --limit {args.limit}", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from kg.sparql.dumps import export, void_turtle

    if args.void:
        data = void_turtle()
        if args.output:
            Path(args.output).write_bytes(data)
            print(f"VoID/DCAT description written to {args.output}", file=sys.stderr)
        else:
            sys.stdout.buffer.write(data)
        return 0
    data, void_path = export(args.format, Path(args.output) if args.output else None)
    if data is not None:
        sys.stdout.buffer.write(data)
    else:
        print(f"Wrote {args.output} and its VoID/DCAT description {void_path}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    import signal

    from kg import api, warm_up
    from kg.sparql.endpoint import start_endpoint

    endpoint, url = start_endpoint(host=args.host, port=args.port, timeout_s=args.timeout, routes=api.routes())
    signal.signal(signal.SIGTERM, lambda *_: endpoint.terminate())  # stop the query workers with us
    warm_up.start()  # the API's index, encoder and store load in the background, not on its first request
    base = url.removesuffix("/query")
    print(f"Read-only SPARQL endpoint at {url} (updates and SERVICE are refused; queries stop after "
          f"{args.timeout} s), and the question-answering API at {base}/api (described at "
          f"{base}/api/openapi.json). Try:\n"
          f"  curl -H 'Accept: application/sparql-results+json' --data-urlencode "
          f"'query=SELECT * WHERE {{ ?s ?p ?o }} LIMIT 3' {url}\n"
          f"  curl '{base}/api/answer?q=who+must+prepare+a+slavery+and+human+trafficking+statement'\n"
          f"Press Ctrl+C to stop.", file=sys.stderr)
    try:
        while endpoint.poll() is None:
            endpoint.wait(timeout=1)
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.terminate()
    return 0


def cmd_app(args) -> int:
    from streamlit.web import cli as streamlit_cli

    from kg import warm_up

    warm_up.start()  # before Streamlit: the model and index load while the server comes up
    sys.argv = ["streamlit", "run", str(Path(__file__).resolve().parent.parent / "app.py"),
                "--server.port", str(args.port), "--server.address", args.host, "--server.headless", "true"]
    return streamlit_cli.main()


def cmd_references(args) -> int:
    from kg.store import read
    from kg.analysis.coherence import UnknownProvisionError

    if args.provision:
        if read.provision(args.provision) is None:
            raise UnknownProvisionError(f"no provision '{args.provision}' in the graph")
        found = read.provision_references(args.provision)
        if args.json:
            print(json.dumps(found, indent=2, ensure_ascii=False))
            return 0
        for direction, label in (("cites", "cites"), ("cited_by", "cited by")):
            print(f"{args.provision} {label}:" if found[direction] else f"{args.provision} {label}: nothing in the corpus")
            for r in found[direction]:
                print(f"  {r['id']:45} {r['citation']}\n      “{r['citing_text']}”")
        return 0
    rows = read.cross_references(args.instrument)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{r['citing']:45} → {r['cited']:45} “{r['citing_text'][:90]}”")
    print(f"{len(rows)} reference(s) between instruments", file=sys.stderr)
    return 0


def cmd_financial_reach(args) -> int:
    from kg.store import read
    from kg.analysis.financial_reach import financial_reach

    read.instrument(args.instrument)  # a clear error for an unknown id
    reach = financial_reach(args.instrument)
    if args.json:
        print(json.dumps(reach, indent=2, ensure_ascii=False))
        return 0
    if not reach["items"]:
        print(f"{args.instrument}: no provision names a financial undertaking or financial services.")
        return 0
    for item in reach["items"]:
        print(f"[{item['role']}] {item['citation']}\n    “{item['sentence'][:300]}”")
        for recital in item["explained_by"]:
            print(f"    explained by {recital['citation']}: “{recital['sentence'][:200]}”")
    norms = reach["company_norms"]
    if norms:
        articles = ", ".join(f"{a['citation']} ({a['norms']})" for a in norms["articles"])
        print(f"\nBinding norms on companies, which include the financial undertakings defined above: "
              f"{norms['count']} — {articles}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m kg", description="Policy Coherence Graph")
    p.add_argument("--endpoint", help="SPARQL 1.1 query URL of a remote store to build into and read from "
                                      "instead of the embedded one (or set PCG_SPARQL_QUERY_URL)")
    p.add_argument("--update-endpoint", help="its SPARQL update URL (default: the query URL with /query → /update)")
    sub = p.add_subparsers(dest="command", required=True)

    sp = sub.add_parser("sparql", help="run a read-only SPARQL query (text, .rq file or library query name)")
    sp.add_argument("query", nargs="?", help="query text, a .rq file, or a library name such as binding_vs_soft")
    sp.add_argument("--format", default="table", choices=["table", "csv", "sparql-csv", "tsv", "json", "xml"],
                    help="csv is for spreadsheets (a value that starts like a formula is written as text); "
                         "sparql-csv is the exact W3C CSV, for programs")
    sp.add_argument("--list", action="store_true", help="list the query library")
    sp.add_argument("--limit", type=int, help="stop after this many rows (default: no cap)")
    sp.add_argument("--timeout", type=float, help="stop the query after this many seconds (default: no limit)")
    sp.set_defaults(func=cmd_sparql)

    ex = sub.add_parser("export", help="dump the whole graph (named graphs per source) with a VoID/DCAT description")
    ex.add_argument("--format", default="trig", choices=["ttl", "nt", "nq", "trig", "jsonld"])
    ex.add_argument("-o", "--output", help="file to write (default: standard output); FILE.void.ttl is written beside it")
    ex.add_argument("--void", action="store_true", help="only the VoID/DCAT description of the dataset (Turtle)")
    ex.set_defaults(func=cmd_export)

    sv = sub.add_parser("serve", help="serve the built store as a read-only SPARQL 1.1 endpoint, and the "
                                      "question-answering API (/api/search, /api/answer)")
    sv.add_argument("--port", type=int, default=7878)
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for other machines)")
    sv.add_argument("--timeout", type=int, default=60, help="per-query time limit in seconds (default 60)")
    sv.set_defaults(func=cmd_serve)

    ap = sub.add_parser("app", help="start the app (Streamlit), loading search in the background at once")
    ap.add_argument("--port", type=int, default=8501)
    ap.add_argument("--host", default="localhost", help="address to listen on (0.0.0.0 for other machines)")
    ap.set_defaults(func=cmd_app)

    b = sub.add_parser("build", help="parse the sources and build the graph (atomic)")
    b.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    b.add_argument("--readapt", action="store_true",
                   help="adapt the search encoder to exactly this corpus instead of reusing one adapted "
                        "to an earlier corpus (kg/search/adaptation.py)")
    b.add_argument("--sources", help="sources folder (default: ingest/sources)")
    b.add_argument("--json", action="store_true", help="print the build report as JSON")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)

    pr = sub.add_parser("provisions", help="list the provisions of an instrument")
    pr.add_argument("--instrument", required=True, help="instrument id, e.g. uk-msa-2015")
    pr.add_argument("--json", action="store_true", help="one JSON object per line")
    pr.set_defaults(func=cmd_provisions)

    ins = sub.add_parser("instruments", help="list instruments with counts and completeness")
    ins.add_argument("--json", action="store_true")
    ins.set_defaults(func=cmd_instruments)

    ob = sub.add_parser("obligations", help="who must do what: extracted obligations, one JSON object per line")
    ob.add_argument("--instrument", help="instrument id")
    ob.add_argument("--actor-kind", help="state, government_agency, financial_regulator, fiu, business, …")
    ob.add_argument("--actor", help="canonical actor id, e.g. state-party, commercial-organisation")
    ob.add_argument("--modality", choices=["obligation", "prohibition", "permission", "definition", "purpose",
                                           "offence"])
    ob.add_argument("--strength", choices=["binding", "soft"])
    ob.add_argument("--all-kinds", action="store_true",
                    help="include definitions, purposes and offences (default: obligations, prohibitions, permissions)")
    ob.add_argument("--json", action="store_true")
    ob.set_defaults(func=cmd_obligations)

    rf = sub.add_parser("references", help="references between instruments: what a provision cites, what cites it")
    rf.add_argument("--instrument", help="only references made by this instrument")
    rf.add_argument("--provision", help="one provision: what it cites and what cites it (or a part of it)")
    rf.add_argument("--json", action="store_true")
    rf.set_defaults(func=cmd_references)

    fr = sub.add_parser("financial-reach", help="what an instrument asks of the financial sector and what it leaves out")
    fr.add_argument("--instrument", required=True, help="instrument id, e.g. eu-csddd-2024")
    fr.add_argument("--json", action="store_true")
    fr.set_defaults(func=cmd_financial_reach)

    se = sub.add_parser("search", help="ask in plain words: provisions that answer, best first, cited")
    se.add_argument("query", nargs="?", help="the question (or a citation such as 'Article 9(5) Palermo')")
    se.add_argument("-k", type=int, default=10, help="number of answers (default 10)")
    se.add_argument("--instrument", action="append", help="limit to an instrument (repeatable)")
    se.add_argument("--jurisdiction", action="append", help="limit to a jurisdiction code (repeatable)")
    se.add_argument("--actor-kind", action="append", help="only provisions with obligations on this kind")
    se.add_argument("--modality", action="append", help="only provisions with this kind of norm")
    se.add_argument("--batch", help="file with one question per line; prints one JSON array per line")
    se.add_argument("--json", action="store_true")
    se.set_defaults(func=cmd_search)

    an = sub.add_parser("answer", help="who must / may / must not, or what a term is: the graph's direct answer, "
                                       "cited, then the provisions")
    an.add_argument("question", help="e.g. 'Who must prepare a slavery and human trafficking statement?'")
    an.add_argument("-k", type=int, default=10, help="number of provisions after the answer (default 10)")
    an.add_argument("--instrument", action="append", help="answer from this instrument only (repeatable)")
    an.add_argument("--json", action="store_true")
    an.set_defaults(func=cmd_answer)

    ga = sub.add_parser("gaps", help="coordination gaps: is the financial sector on each anti-trafficking body?")
    ga.add_argument("--jurisdiction", help="a jurisdiction code, e.g. GB, AU, CA, US, PH")
    ga.add_argument("--summary", action="store_true",
                    help="per jurisdiction: an explained score and law-to-body coherence (needs the built graph)")
    ga.add_argument("--json", action="store_true")
    ga.set_defaults(func=cmd_gaps)

    ib = sub.add_parser("import-bodies", help="import a membership list (CSV in the bodies.csv schema) as its own named graph")
    ib.add_argument("file")
    ib.add_argument("--name", help="name of the import (default: the file name)")
    ib.add_argument("--replace", action="store_true", help="replace an earlier import of the same name")
    ib.set_defaults(func=cmd_import_bodies)

    ri = sub.add_parser("remove-import", help="remove an imported membership list and rebuild")
    ri.add_argument("name")
    ri.set_defaults(func=cmd_remove_import)

    ev = sub.add_parser("eval", help="evaluate against the hand-labelled sets in tests/gold/")
    ev.add_argument("what", choices=["obligations", "search", "themes", "answers"])
    ev.add_argument("--all", action="store_true", help="list every miss")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--compare-stock", action="store_true",
                    help="search: also rank with the stock model, before its adaptation to the corpus")
    ev.add_argument("--set", choices=["dev", "test", "blind", "blind2", "all"], default="all",
                    help="search and answers: the question set (dev: for choosing settings; the others are reported "
                         "only). search: dev, test, blind; answers: dev, blind, blind2")
    ev.add_argument("--dev", action="store_true", help="answers: the same as --set dev")
    ev.set_defaults(func=cmd_eval)

    th = sub.add_parser("themes", help="the themes of an instrument's provisions, with confidence and method")
    th.add_argument("--instrument", required=True, help="instrument id, e.g. uk-msa-2015")
    th.add_argument("--json", action="store_true", help="one JSON object per line")
    th.set_defaults(func=cmd_themes)

    co = sub.add_parser("coherence", help="scorecard against the FAST briefing's recommendations, and theme coverage")
    co.add_argument("--jurisdiction", help="a jurisdiction code, e.g. GB, AU, CA")
    co.add_argument("--matrix", action="store_true", help="the coverage matrix instead of a scorecard")
    co.add_argument("--by", choices=["instrument", "jurisdiction"], default="instrument", help="matrix rows")
    co.add_argument("--html", help="also write a print-ready one-page HTML report to this file")
    co.add_argument("--json", action="store_true")
    co.set_defaults(func=cmd_coherence)

    eq = sub.add_parser("equivalents", help="a provision's nearest counterparts in the other instruments")
    eq.add_argument("provision", nargs="?", help="provision id, e.g. palermo-protocol/art6/6")
    eq.add_argument("-k", type=int, default=3, help="counterparts per instrument (default 3)")
    eq.add_argument("--instrument", action="append", help="only these instruments (repeatable)")
    eq.add_argument("--compare", nargs=2, metavar="ID", help="themes one instrument covers that the other does not")
    eq.add_argument("--html", help="also write a print-ready HTML report to this file")
    eq.add_argument("--json", action="store_true")
    eq.set_defaults(func=cmd_equivalents)

    a = sub.add_parser("add", help="add a plain-text law to the sources")
    a.add_argument("path", help="UTF-8 plain-text file of the law")
    a.add_argument("--id", required=True, help="instrument id (lower case, digits, hyphens)")
    a.add_argument("--title", required=True)
    a.add_argument("--jurisdiction", required=True, help="e.g. EU, GB, AU, CA, INT")
    a.add_argument("--layout", help="treaty, eu-act, uk-act, au-act, ca-act, de-act, no-act (detected if omitted)")
    a.add_argument("--kind", help="treaty, act, directive, regulation, proposal (guessed if omitted)")
    a.add_argument("--short-title", help="short name used in citations (default: the title)")
    a.add_argument("--url", help="official URL")
    a.add_argument("--licence", default="See the official source", help="licence of the text")
    a.add_argument("--language", default="en")
    a.add_argument("--version-date", help="YYYY-MM-DD date of this version of the text")
    a.add_argument("--sources", help="sources folder (default: ingest/sources)")
    a.set_defaults(func=cmd_add)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    import os

    if args.endpoint:
        os.environ["PCG_SPARQL_QUERY_URL"] = args.endpoint
    if args.update_endpoint:
        os.environ["PCG_SPARQL_UPDATE_URL"] = args.update_endpoint
    try:
        return args.func(args)
    except PCGError as err:
        print(err.one_line(), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
