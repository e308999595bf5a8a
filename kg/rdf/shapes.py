"""SHACL validation of a build (pyshacl over rdflib), with a readable summary of violations."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

import rdflib
from pyoxigraph import Quad, RdfFormat, serialize

from kg.errors import ValidationError
from kg.config import ONTOLOGY_DIR
from kg.processes import die_with_parent

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
MAX_LISTED = 10
# small graphs every instrument refers to: validated alongside each group
SHARED_GRAPHS = ("/graph/ontology", "/graph/build", "/graph/jurisdictions", "/graph/actors")


def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def _speed_up_pyshacl() -> None:
    """pyshacl 0.40 tests every shape predicate against a *list* of constraint parameters on every
    (shape, focus node) pair; with rdflib's term equality that is half of our validation time.
    A frozenset gives the same answers (we run without advanced/JS features, the only paths
    that append to that list)."""
    import pyshacl.constraints as constraints
    import pyshacl.shape as shape

    shape.CONSTRAINT_PARAMS = (frozenset(constraints.ALL_CONSTRAINT_PARAMETERS),
                               constraints.CONSTRAINT_PARAMETERS_MAP)


def violations(data: rdflib.Graph) -> list[str]:
    from pyshacl import validate

    _speed_up_pyshacl()
    conforms, report, _ = validate(data, shacl_graph=shapes_graph(), inference="none",
                                   advanced=False, allow_warnings=True)
    if conforms:
        return []
    lines = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        lines.append(f"{focus} {path.n3() if path is not None else ''}: {message}")
    return sorted(lines)


def _violations_of_ntriples(data: bytes) -> list[str]:
    return violations(rdflib.Graph().parse(data=data, format="nt"))


def balanced_groups(graphs: dict[str, list[Quad]], n: int) -> list[list[Quad]]:
    """Split named graphs into ``n`` groups of about equal size (largest first, greedy)."""
    groups: list[list[Quad]] = [[] for _ in range(n)]
    for _, quads in sorted(graphs.items(), key=lambda kv: -len(kv[1])):
        min(groups, key=len).extend(quads)
    return [g for g in groups if g]


def validate_quads(quads: list[Quad]) -> None:
    """Raise :class:`ValidationError` naming the first violations if the graph does not conform.

    Shapes only relate nodes within one instrument's graph (plus the shared ontology and build
    graphs), so instruments are validated in parallel, one process per core.
    """
    by_graph: dict[str, list[Quad]] = defaultdict(list)
    for quad in quads:
        by_graph[quad.graph_name.value].append(quad)
    shared = [q for name in list(by_graph) if name.endswith(SHARED_GRAPHS)
              for q in by_graph.pop(name)]
    workers = max(1, min(os.cpu_count() or 1, 4, len(by_graph)))
    payloads = [
        serialize((q.triple for q in group + shared), format=RdfFormat.N_TRIPLES)
        for group in balanced_groups(by_graph, workers)
    ]
    if len(payloads) == 1:
        found = _violations_of_ntriples(payloads[0])
    else:
        with ProcessPoolExecutor(max_workers=len(payloads), mp_context=mp.get_context("fork"),
                                 initializer=die_with_parent) as pool:
            found = sorted(line for part in pool.map(_violations_of_ntriples, payloads) for line in part)
    if found:
        kinds = Counter(line.split(": ", 1)[1] for line in found)
        summary = "; ".join(f"{n}× {msg}" for msg, n in kinds.most_common(3))
        listed = "\n  ".join(found[:MAX_LISTED])
        raise ValidationError(
            f"the graph does not conform to ontology/shapes.ttl ({len(found)} violations: {summary})"
            f"\n  {listed}"
        )
