"""Membership lists that users bring (CSV in the bodies.csv schema): validated row by row, good
rows kept as ``data/imports/<name>.csv``, each its own named graph after the rebuild."""

from __future__ import annotations

import csv
import re

from ingest.coordination import BODY_FIELDS, load_memberships
from kg.errors import ImportExistsError, UnknownImportError
from kg.config import imports_dir
from kg.user_files import decode_text

TEMPLATE = ",".join(BODY_FIELDS) + "\n" + (
    "XX-NCB,National Anti-Trafficking Coordination Body,national,XX,Financial Intelligence Unit (XFIU),fiu,yes,"
    "https://example.org/minutes-2025,\"The XFIU attends as a member\",2025\n"
)


def list_imports() -> list[str]:
    """The names of the membership lists imported into the data folder."""
    return sorted(p.stem for p in imports_dir().glob("*.csv")) if imports_dir().exists() else []


def import_name(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "import"


def read_import_file(data: bytes, where: str) -> str:
    """A membership list's bytes as text (UTF-8), or a clear error naming the file."""
    return decode_text(data, where, "membership list")


def import_bodies(text: str, name: str, replace: bool = False, on_wait=None) -> dict:
    """Validate ``text``; write its good rows as the import ``name`` and rebuild. An import of that
    name is replaced only if ``replace``. Imports and builds take turns (kg.store.locks)."""
    from kg.build.pipeline import build
    from kg.store.locks import build_lock

    result = load_memberships(text)
    outcome = {"import": import_name(name), "imported_rows": len(result.memberships),
               "errors": [str(e) for e in result.errors]}
    if not result.memberships:
        return outcome
    with build_lock(f"import of '{outcome['import']}'", on_wait):
        target = imports_dir() / f"{outcome['import']}.csv"
        if target.exists() and not replace:
            raise ImportExistsError(f"an import named '{outcome['import']}' already exists; choose another name, "
                                    "or replace it (kg import-bodies --replace, or the app's 'Replace' box)")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_suffix(".csv.tmp")
        with staging.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=BODY_FIELDS)
            writer.writeheader()
            writer.writerows(result.good_rows)
        staging.replace(target)
        build(progress=None)
    return outcome


def remove_import(name: str) -> None:
    from kg.build.pipeline import build
    from kg.store.locks import build_lock

    with build_lock(f"removal of import '{import_name(name)}'"):
        target = imports_dir() / f"{import_name(name)}.csv"
        if not target.exists():
            raise UnknownImportError(f"no import named '{name}' (imports: {', '.join(list_imports()) or 'none'})")
        target.unlink()
        build(progress=None)
