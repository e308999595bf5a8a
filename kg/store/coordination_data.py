"""The coordination data as the data folder holds it: the shipped membership and partnership
lists (``ingest/coordination_data/``) and the membership lists users imported (``data/imports/*.csv``,
written by kg.build.membership_imports). Read, never written, here: the analyses read it below the
module that rebuilds the graph after an import.

The gap analysis reads these lists rather than the graph because the graph does not keep every fact
of a row: two rows of one partnership (same name) become one node whose sources and quotes can no
longer be paired, and the loader's row errors are not in it. What the graph does keep is read from
it (the jurisdictions of the shipped bodies: kg.store.read.coordination_jurisdictions)."""

from __future__ import annotations

from ingest.coordination import imported_memberships, shipped_memberships, shipped_partnerships
from kg.config import imports_dir


def list_imports() -> list[str]:
    return sorted(p.stem for p in imports_dir().glob("*.csv")) if imports_dir().exists() else []


def all_memberships():
    """The shipped load result (for its row errors) and every valid membership, imports included."""
    loaded = shipped_memberships()
    memberships = list(loaded.memberships)
    for imported in imported_memberships(imports_dir()).values():
        memberships.extend(imported.memberships)
    return loaded, memberships


def partnerships():
    """The financial-sector partnerships of the shipped data (imports hold memberships only)."""
    return shipped_partnerships()
