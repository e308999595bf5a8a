"""What the remote-store tests (tests/test_sparql_remote.py, tests/test_sparql_virtuoso.py) share:
answers compared as SPARQL defines them, and the app's readers run on whichever store the
configuration names."""

from __future__ import annotations

import re
from collections import Counter

from kg.config import QUERIES_DIR
from kg.store.queries import (READERS_DIR, example_bindings, library, library_query, runnable_library_query,
                              select)

ORDER_RE = re.compile(r"\bORDER\s+BY\s+(.*?)(?:\bLIMIT\b|\bOFFSET\b|\Z)", re.S | re.I)
KEY_RE = re.compile(r"(?:(?:ASC|DESC)\s*\(\s*)?(?:STR\s*\(\s*)?\?(\w+)(?:\s*\))*", re.I)


def concatenated(query: str) -> set[str]:
    return set(re.findall(r"GROUP_CONCAT\(.*?\)\s+AS\s+\?(\w+)", query, re.S | re.I))


def comparable(row: dict, query: str) -> tuple:
    """A row as a sorted tuple. GROUP_CONCAT values as sorted words, since SPARQL 1.1 leaves the order
    of a group's values open and two stores may concatenate them differently; and a concatenation of
    no values as "" (the spec's answer; Oxigraph leaves it unbound)."""
    joined = concatenated(query)

    def value(key, v):
        return " ".join(sorted((v or "").split())) if key in joined and (v is None or isinstance(v, str)) else v

    return tuple(sorted((k, value(k, v)) for k, v in row.items()))


def order_keys(query: str) -> list[str] | None:
    """The variables of the outer ``ORDER BY`` when it sorts by variables (or their ``STR``) only,
    else None."""
    found = ORDER_RE.search(query[query.rfind("}"):])
    if not found:
        return None
    clause = found.group(1).strip()
    keys = KEY_RE.findall(clause)
    return keys if keys and not KEY_RE.sub("", clause).strip() else None


def differences(embedded_rows: list[dict], remote_rows: list[dict], query: str) -> str | None:
    """What differs between two answers to ``query``: the rows (as multisets), then the order of
    the ``ORDER BY`` keys where the query fixes one. None when they agree."""
    here = Counter(comparable(r, query) for r in embedded_rows)
    there = Counter(comparable(r, query) for r in remote_rows)
    if here != there:
        return f"rows differ: only embedded {list(here - there)[:3]}, only remote {list(there - here)[:3]}"
    keys = order_keys(query)
    if keys and embedded_rows and not set(keys) <= set(embedded_rows[0]):
        keys = None  # sorted by what it does not project: the order cannot be seen in the rows
    if keys and [tuple(r[k] for k in keys) for r in embedded_rows] != [tuple(r[k] for k in keys) for r in remote_rows]:
        return f"same rows, another order of {keys}"
    return None


def library_differences(embedded, remote, skip: dict[str, str] | None = None) -> dict[str, str]:
    """Every library query and every reader query (with its example values), on both stores: the
    ones whose answers differ, with how. ``skip``: query names left out (with the reason)."""
    out = {}
    names = [q["name"] for q in library()] + sorted(p.stem for p in READERS_DIR.glob("*.rq"))
    for name in names:
        if name in (skip or {}):
            continue
        text = runnable_library_query(name)
        diff = differences(select(embedded, text), select(remote, text), text)
        if diff:
            out[name] = diff
        bound = example_bindings(library_query(name))
        if bound:  # also as the readers bind values: substitutions here, a VALUES block there
            diff = differences(select(embedded, library_query(name), bound),
                               select(remote, library_query(name), bound), text)
            if diff:
                out[name + " (bound)"] = diff
    return out


def reader_answers(instrument_ids: list[str], provision_ids: list[str]) -> dict[str, object]:
    """Every reader of kg.store.read on the configured store, with the given instruments and
    provisions; lists whose order the reader leaves open are sorted."""
    from kg.store import read

    def unordered(rows):
        return sorted(rows, key=repr)

    out: dict[str, object] = {
        "instruments": unordered(read.instruments()), "coordination_jurisdictions": read.coordination_jurisdictions(),
        "memberships": read.memberships(), "partnerships": read.partnerships(),
        "obligations": [{k: sorted(v) if isinstance(v, list) else v for k, v in o.items()}  # lists in no set order
                        for o in read.obligations()], "not_extracted": read.not_extracted(),
        "cross_references": unordered(read.cross_references()),
    }
    for iid in instrument_ids:
        out[f"provisions {iid}"] = read.provisions(iid)
        out[f"tree {iid}"] = read.tree(iid)
    for pid in provision_ids:
        out[f"provision {pid}"] = read.provision(pid)
        for parts in (False, True):
            refs = read.provision_references(pid, include_parts=parts)
            out[f"references {pid} {parts}"] = {k: unordered(v) for k, v in refs.items()}
            out[f"footnotes {pid} {parts}"] = unordered(read.footnotes(pid, include_parts=parts))
    return out


def example_provisions() -> list[str]:
    """The provisions the library's and the readers' examples name."""
    ids = set()
    for path in [*QUERIES_DIR.glob("*.rq"), *READERS_DIR.glob("*.rq")]:
        ids.update(v.value.rsplit("/id/", 1)[1] for k, v in example_bindings(path.read_text(encoding="utf-8")).items()
                   if k == "provision")
    return sorted(ids)
