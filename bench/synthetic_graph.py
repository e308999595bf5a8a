"""Synthetic graphs N times the real one, for bench/scale_bench.py.

The real build's graph (its TriG dump) is the template: every act, article, paragraph, obligation
(with its bearer, action, modality and strength), theme assignment, body, membership and
jurisdiction is copied N - 1 times under new IRIs, so each copy has the real graph's shapes and
the copies share only the vocabulary (the ontology, the theme and actor-kind schemes, modalities).
Copy 0 is the real graph itself. An instance IRI ``…/id/<instrument>/<rest>`` becomes
``…/id/<instrument>-s<copy>/<rest>`` (``uk-msa-2015/s54`` → ``uk-msa-2015-s7/s54``; other ids take
the suffix after their kind: ``jurisdiction/au-s7``), an instrument's named graph ``…/graph/<id>`` becomes ``…/graph/<id>-s<copy>``, string literals that
spell an id (``dcterms:identifier "uk-msa-2015"``) are renamed the same way, and blank nodes are
skolemised to IRIs (so a copy can be sent in chunks to a remote endpoint). Every library query
therefore runs unchanged, and those not pinned to one example instrument return about N times as
many rows. No text is parsed and no model is run: a copy is a string substitution over the
template's N-Quads, so 100× (about 24 million triples) is generated in a couple of minutes.

    python bench/synthetic_graph.py 10 out.nq   # write a 10× graph as N-Quads
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import RdfFormat, Store, serialize

BASE = "https://w3id.org/policy-coherence-graph/"
ID, GRAPH = BASE + "id/", BASE + "graph/"
SKOLEM = BASE + ".well-known/genid/"
# graphs every copy shares: what a copy adds to them are its own instances' triples
SHARED_GRAPHS = {"themes", "coordination", "actors", "jurisdictions", "ontology", "build"}
MARK = "\x00"  # where a copy's suffix goes in the template


def template(trig: Path) -> str:
    """The real graph as N-Quads, with :data:`MARK` wherever a copy's suffix goes."""
    store = Store()
    store.bulk_load(path=str(trig), format=RdfFormat.TRIG)
    text = serialize(store, format=RdfFormat.N_QUADS).decode("utf-8")
    id_paths = set(re.findall(f"<{re.escape(ID)}([^>]+)>", text))
    instruments = set(re.findall(f"<{re.escape(GRAPH)}([^/>]+)>", text)) - SHARED_GRAPHS
    text = re.sub(f"<{re.escape(ID)}([^>]+)>", lambda m: f"<{ID}{_marked(m.group(1), instruments)}>", text)
    text = re.sub(f"<{re.escape(GRAPH)}([^/>]+)>",
                  lambda m: m.group(0) if m.group(1) in SHARED_GRAPHS else f"<{GRAPH}{m.group(1)}{MARK}>", text)
    text = re.sub(r'"((?:[^"\\]|\\.)*)"(?=[ .])',
                  lambda m: f'"{_marked(m.group(1), instruments)}"' if m.group(1) in id_paths else m.group(0), text)
    return re.sub(r"_:([A-Za-z0-9_]+)", lambda m: f"<{SKOLEM}{m.group(1)}{MARK}>", text)


def _marked(path: str, instruments: set[str]) -> str:
    """An instance id with :data:`MARK` after its instrument (``uk-msa-2015/s54``), or after the
    segment that follows its kind (``jurisdiction/au``, ``attestation/coordination/bodies/10``,
    ``source/uk-msa-2015``), so a copy's ids keep the shapes' patterns (ontology/shapes.ttl)."""
    segments = path.split("/")
    at = 0 if segments[0] in instruments or len(segments) == 1 else 1
    segments[at] += MARK
    return "/".join(segments)


def copy(template_text: str, number: int) -> str:
    """Copy ``number`` of the graph as N-Quads (copy 0: the real graph, blank nodes skolemised)."""
    return template_text.replace(MARK, f"-s{number}" if number else "")


def copies(template_text: str, scale: int) -> Iterator[str]:
    """The ``scale`` copies that make a graph ``scale`` times the real one."""
    for number in range(scale):
        yield copy(template_text, number)


class CopiesReader(io.RawIOBase):
    """The ``scale`` copies as one stream of N-Quads bytes, made as it is read: a single bulk load
    of a 100× graph without its 6 GB of text in memory or on disk."""

    def __init__(self, template_text: str, scale: int):
        self.parts, self.pending = copies(template_text, scale), memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            part = next(self.parts, None)
            if part is None:
                return 0
            self.pending = memoryview(part.encode("utf-8"))
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def stream(template_text: str, scale: int) -> io.BufferedReader:
    return io.BufferedReader(CopiesReader(template_text, scale), buffer_size=1 << 20)


def main() -> None:
    from kg.store.builds import require_current_build

    scale, out = int(sys.argv[1]), Path(sys.argv[2])
    text = template(require_current_build().trig)
    with out.open("w", encoding="utf-8") as f:
        for part in copies(text, scale):
            f.write(part)
    print(f"written {out} ({out.stat().st_size / 1e6:.0f} MB, {scale}× the graph)")


if __name__ == "__main__":
    main()
