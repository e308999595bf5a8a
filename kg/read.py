"""Read-side API over the current build: what the app and the CLI show."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ingest.errors import UnknownInstrumentError
from kg import store as stores
from kg.sparql import select_named


@lru_cache(maxsize=4)
def _store_for(path: str):
    return stores.open_store(stores.BuildPaths(Path(path)))


def store():
    """The current build's store, opened once per build (a new build is picked up)."""
    build = stores.require_current_build()
    return _store_for(str(build.root))


def instruments() -> list[dict]:
    rows = select_named(store(), "instruments")
    for row in rows:
        row["partial"] = row["completeness"].lower() != "complete"
    return rows


def instrument(instrument_id: str) -> dict:
    for row in instruments():
        if row["id"] == instrument_id:
            return row
    known = ", ".join(r["id"] for r in instruments())
    raise UnknownInstrumentError(f"no instrument '{instrument_id}' in the graph; known: {known}")


def provisions(instrument_id: str) -> list[dict]:
    instrument(instrument_id)
    rows = select_named(store(), "instrument_provisions", instrument=instrument_id)
    return [{"id": r["id"], "citation": r["citation"], "text": r["text"], "unit_type": r["unitType"],
             "heading": r["heading"]} for r in rows]


def tree(instrument_id: str) -> list[dict]:
    """Divisions and provisions in document order, each with its parent id (no text)."""
    from kg.namespaces import id_from_iri

    rows = select_named(store(), "instrument_nodes", instrument=instrument_id)
    for row in rows:
        row["parent"] = id_from_iri(row["parent"])
    return rows


def provision(provision_id: str) -> dict | None:
    rows = select_named(store(), "provision", provision=provision_id)
    if not rows:
        return None
    row = rows[0]
    row["notes"] = [n for n in (row.get("notes") or "").split("\n") if n]
    row["children"] = select_named(store(), "children", provision=provision_id)
    return row
