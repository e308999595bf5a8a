"""``python -m kg add``: bring a plain-text law into the sources, refusing what cannot be parsed."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.catalogue import KINDS, SOURCES_DIR
from ingest.jurisdictions import label as jurisdiction_label
from ingest.errors import DuplicateInstrumentError, MetadataError, SourceTextError, UnknownLayoutError
from ingest.layouts import detect_layout, get_layout, parse_text
from ingest.model import ParsedInstrument

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,80}$")
MIN_COVERAGE = 0.5  # share of the text's characters that must fall inside parsed provisions


@dataclass
class AddResult:
    instrument_id: str
    layout: str
    provisions: int
    folder: Path


def read_plain_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceTextError("file not found", path=path) from None
    except IsADirectoryError:
        raise SourceTextError("is a folder, not a text file", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise SourceTextError(f"not valid UTF-8 text (byte {err.start})", path=path, line=line) from None
    if not text.strip():
        raise SourceTextError("the file is empty", path=path, line=1)
    return text.replace("\r\n", "\n")


def first_unplaced_line(parsed: ParsedInstrument) -> tuple[int, str] | None:
    """The first non-blank line after the first provision that no provision or heading covers."""
    covered = sorted((n.start, n.end) for n in parsed.nodes)
    if not covered:
        return None
    first_start = min(s for s, _ in covered)
    offset = 0
    for no, raw in enumerate(parsed.text.split("\n"), start=1):
        start, end = offset, offset + len(raw)
        offset = end + 1
        if not raw.strip() or end <= first_start:
            continue
        if not any(s <= start + len(raw) - len(raw.lstrip()) < e or s < end <= e for s, e in covered):
            return no, raw.strip()
    return None


def coverage(parsed: ParsedInstrument) -> float:
    text = parsed.text
    inside = bytearray(len(text))
    for node in parsed.nodes:
        inside[node.start : node.end] = b"\x01" * (node.end - node.start)
    letters = [i for i, ch in enumerate(text) if not ch.isspace()]
    return sum(inside[i] for i in letters) / max(1, len(letters))


def guess_kind(title: str, layout: str) -> str:
    lowered = title.lower()
    if "proposal" in lowered:
        return "proposal"
    if layout == "treaty" or any(w in lowered for w in ("convention", "protocol", "treaty")):
        return "treaty"
    if "directive" in lowered:
        return "directive"
    if "regulation" in lowered and layout == "eu-act":
        return "regulation"
    return "act"


def add_instrument(
    path: Path, *, instrument_id: str, title: str, jurisdiction: str, layout: str | None = None,
    kind: str | None = None, short_title: str | None = None, official_url: str | None = None,
    licence: str = "See the official source", language: str = "en", version_date: str | None = None,
    sources_dir: Path = SOURCES_DIR,
) -> AddResult:
    if not ID_RE.match(instrument_id):
        raise MetadataError(
            f"id '{instrument_id}' must be lower case letters, digits and hyphens (e.g. eu-csddd-2024)",
            path=path,
        )
    target = sources_dir / instrument_id
    if target.exists():
        raise DuplicateInstrumentError(
            f"an instrument with id '{instrument_id}' already exists; choose another --id",
            path=target / "metadata.json", line=1,
        )
    if kind is not None and kind not in KINDS:
        raise MetadataError(f"kind '{kind}' is not one of {', '.join(KINDS)}", path=path)
    text = read_plain_text(path)
    if layout is None:
        layout = detect_layout(text, path=str(path))
    else:
        try:
            get_layout(layout)
        except UnknownLayoutError as err:
            raise UnknownLayoutError(err.message, path=path, line=1) from None
    short = short_title or title
    parsed = parse_text(text, instrument_id=instrument_id, layout=layout, short_title=short, path=str(path))
    if coverage(parsed) < MIN_COVERAGE:
        place = first_unplaced_line(parsed) or (1, text.strip().splitlines()[0])
        raise SourceTextError(
            f"layout '{layout}' could not structure this text; first line it could not place: "
            f"{place[1][:80]!r}", path=path, line=place[0],
        )
    meta = {
        "id": instrument_id, "title": title, "short_title": short, "official_citation": None,
        "jurisdiction": jurisdiction.upper(), "jurisdiction_label": jurisdiction_label(jurisdiction),
        "kind": kind or guess_kind(title, layout), "language": language, "adopted": None,
        "version_date": version_date, "version_note": None, "official_url": official_url,
        "provision_url_templates": {}, "licence": licence, "licence_url": None, "attribution": None,
        "copied_from": {"repository": None, "path": str(path), "commit": None},
        "completeness": {"status": "complete", "missing": None}, "layout": layout,
        "extract_obligations": language == "en",
        "notes": f"Added with `python -m kg add` on {date.today().isoformat()}.",
    }
    source_md = (
        f"# {title}\n\n- **Added:** {date.today().isoformat()} with `python -m kg add` from `{path.name}`.\n"
        f"- **Official URL:** {official_url or 'not given'}\n- **Licence:** {licence}\n"
        f"- **Layout:** {layout}; {len(parsed.provisions)} provisions parsed.\n"
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{instrument_id}-", dir=sources_dir))
    try:
        (staging / "text.txt").write_text(text, encoding="utf-8")
        (staging / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        (staging / "SOURCE.md").write_text(source_md, encoding="utf-8")
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return AddResult(instrument_id, layout, len(parsed.provisions), target)
