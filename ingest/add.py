"""``python -m kg add``: bring a plain-text law into the sources, refusing what cannot be parsed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.catalogue import ID_RE, KINDS, SOURCES_DIR, validate_metadata
from ingest.jurisdictions import label as jurisdiction_label
from ingest.errors import DuplicateInstrumentError, MetadataError, SourceTextError, UnknownLayoutError
from ingest.layouts import detect_layout, get_layout, parse_text
from ingest.model import ParsedInstrument

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


@dataclass(frozen=True)
class UnplacedRun:
    """Consecutive non-blank lines that fall in no provision and are no heading."""

    first_line: int
    last_line: int
    characters: int
    first_text: str


def _placed_mask(parsed: ParsedInstrument) -> bytearray:
    placed = bytearray(len(parsed.text))
    for node in parsed.provisions:
        placed[node.start : node.end] = b"\x01" * (node.end - node.start)
    return placed


def unplaced_runs(parsed: ParsedInstrument) -> list[UnplacedRun]:
    """Runs of text the parse left out, largest first: where a layout failed to recognise something."""
    placed = _placed_mask(parsed)
    runs: list[UnplacedRun] = []
    current: list[tuple[int, str]] = []

    def close() -> None:
        if current:
            runs.append(UnplacedRun(current[0][0], current[-1][0], sum(len(t) for _, t in current), current[0][1]))
            current.clear()

    offset = 0
    for no, raw in enumerate(parsed.text.split("\n"), start=1):
        start = offset + len(raw) - len(raw.lstrip())
        offset += len(raw) + 1
        if not raw.strip():
            continue
        if no in parsed.structure_lines or placed[start]:
            close()
        else:
            current.append((no, raw.strip()))
    close()
    return sorted(runs, key=lambda r: -r.characters)


def coverage(parsed: ParsedInstrument) -> float:
    """Share of the text's non-blank characters inside a provision or a heading line."""
    placed = _placed_mask(parsed)
    offset = 0
    for no, raw in enumerate(parsed.text.split("\n"), start=1):
        if no in parsed.structure_lines:
            placed[offset : offset + len(raw)] = b"\x01" * len(raw)
        offset += len(raw) + 1
    letters = [i for i, ch in enumerate(parsed.text) if not ch.isspace()]
    return sum(placed[i] for i in letters) / max(1, len(letters))


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
    if not ID_RE.fullmatch(instrument_id):
        raise MetadataError(
            f"id {instrument_id!r} must be lower case letters, digits and hyphens (e.g. eu-csddd-2024)",
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
    share = coverage(parsed)
    if share < MIN_COVERAGE:
        runs = unplaced_runs(parsed)
        where = (f"the largest part it could not place is lines {runs[0].first_line}–{runs[0].last_line} "
                 f"({runs[0].characters:,} characters), starting {runs[0].first_text[:80]!r}") if runs else ""
        raise SourceTextError(
            f"layout '{layout}' placed only {share:.0%} of this text in provisions; {where}",
            path=path, line=runs[0].first_line if runs else 1,
        )
    meta = {
        "id": instrument_id, "title": title.strip(), "short_title": short.strip(), "official_citation": None,
        "jurisdiction": jurisdiction.upper(), "jurisdiction_label": jurisdiction_label(jurisdiction),
        "kind": kind or guess_kind(title, layout), "language": language, "adopted": None,
        "version_date": version_date, "version_note": None, "official_url": official_url,
        "provision_url_templates": {}, "licence": licence, "licence_url": None, "attribution": None,
        "copied_from": {"repository": None, "path": str(path), "commit": None},
        "completeness": {"status": "complete", "missing": None}, "layout": layout,
        "extract_obligations": language == "en",
        "notes": f"Added with `python -m kg add` on {date.today().isoformat()}.",
    }
    validate_metadata(meta, path=path)  # every field, before anything is written
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
