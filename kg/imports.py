"""Membership lists that users bring (CSV in the bodies.csv schema): validated row by row, good
rows kept as ``data/imports/<name>.csv``, each its own named graph after the rebuild."""

from __future__ import annotations

import csv
import io
import re

from ingest.coordination import BODY_FIELDS, load_memberships
from ingest.errors import PCGError
from kg.config import imports_dir

TEMPLATE = ",".join(BODY_FIELDS) + "\n" + (
    "XX-NCB,National Anti-Trafficking Coordination Body,national,XX,Financial Intelligence Unit (XFIU),fiu,yes,"
    "https://example.org/minutes-2025,\"The XFIU attends as a member\",2025\n"
)


def import_name(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "import"


def import_bodies(text: str, name: str) -> dict:
    """Validate ``text``; write its good rows as an import and rebuild. Returns what happened."""
    from kg.build import build

    result = load_memberships(text)
    outcome = {"import": import_name(name), "imported_rows": len(result.memberships),
               "errors": [str(e) for e in result.errors]}
    if not result.memberships:
        return outcome
    good_rows = {m.row for m in result.memberships}
    records = list(csv.reader(io.StringIO(text)))
    target = imports_dir() / f"{outcome['import']}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(records[0])
        writer.writerows(r for n, r in enumerate(records[1:], start=2) if n in good_rows)
    build(progress=None)
    return outcome


def list_imports() -> list[str]:
    return sorted(p.stem for p in imports_dir().glob("*.csv")) if imports_dir().exists() else []


def remove_import(name: str) -> None:
    from kg.build import build

    target = imports_dir() / f"{import_name(name)}.csv"
    if not target.exists():
        raise PCGError(f"no import named '{name}' (imports: {', '.join(list_imports()) or 'none'})")
    target.unlink()
    build(progress=None)


def all_memberships():
    """The shipped load result (for its row errors) and every valid membership, imports included."""
    from ingest.coordination import imported_memberships, shipped_memberships

    loaded = shipped_memberships()
    memberships = list(loaded.memberships)
    for imported in imported_memberships(imports_dir()).values():
        memberships.extend(imported.memberships)
    return loaded, memberships
