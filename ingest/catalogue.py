"""The sources: one folder per instrument with ``text.txt``, ``SOURCE.md`` and ``metadata.json``."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ingest.errors import MetadataError, SourceTextError, UnknownInstrumentError
from ingest.layouts import get_layout, parse_text
from ingest.model import ParsedInstrument

SOURCES_DIR = Path(__file__).resolve().parent / "sources"

REQUIRED_FIELDS = ("id", "title", "short_title", "jurisdiction", "kind", "language", "licence",
                   "completeness", "layout")
KINDS = ("treaty", "act", "directive", "regulation", "proposal")


@dataclass(frozen=True)
class Instrument:
    """An instrument's metadata plus where its files are."""

    meta: dict
    folder: Path

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def text_path(self) -> Path:
        return self.folder / "text.txt"

    @property
    def is_partial(self) -> bool:
        return self.meta["completeness"]["status"] != "complete"

    @property
    def extract_obligations(self) -> bool:
        return bool(self.meta.get("extract_obligations", self.meta.get("language") == "en"))

    def read_text(self) -> str:
        try:
            raw = self.text_path.read_bytes()
        except FileNotFoundError:
            raise SourceTextError("text.txt is missing", path=self.text_path) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            raise SourceTextError(f"not valid UTF-8 (byte {err.start})", path=self.text_path, line=line) from None
        if not text.strip():
            raise SourceTextError("the text is empty", path=self.text_path, line=1)
        return text

    def text_sha256(self) -> str:
        return hashlib.sha256(self.text_path.read_bytes()).hexdigest()

    def parse(self) -> ParsedInstrument:
        return parse_text(
            self.read_text(), instrument_id=self.id, layout=self.meta["layout"],
            short_title=self.meta["short_title"], path=str(self.text_path),
        )


ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,80}")
JURISDICTION_RE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})?")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
TEXT_FIELDS = ("title", "short_title", "licence", "official_citation", "version_note", "attribution")
URL_FIELDS = ("official_url", "licence_url")
DATE_FIELDS = ("adopted", "version_date")


def check_url(value: str, field: str) -> str | None:
    """Why ``value`` is not an http(s) URL a reader may follow, or None."""
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{field} must be an http:// or https:// address, not {str(value)[:80]!r}"
    if re.search(r"[\s<>\"]", value) or CONTROL_RE.search(value):
        return f"{field} must not hold spaces, quotes, angle brackets or control characters"
    return None


def validate_metadata(meta: dict, path: Path) -> None:
    """Every field a build turns into IRIs, links or text: a clear message for the first bad one, so
    that a bad value stops here and never reaches the build (kg add calls this before writing)."""
    missing = [f for f in REQUIRED_FIELDS if not meta.get(f)]
    if missing:
        raise MetadataError(f"missing field(s): {', '.join(missing)}", path=path)
    problems = []
    if not isinstance(meta["id"], str) or not ID_RE.fullmatch(meta["id"]):
        problems.append(f"id {meta['id']!r} must be lower case letters, digits and hyphens (e.g. eu-csddd-2024)")
    if not isinstance(meta["jurisdiction"], str) or not JURISDICTION_RE.fullmatch(meta["jurisdiction"]):
        problems.append(f"jurisdiction {meta['jurisdiction']!r} must be a code such as EU, GB, AU or AU-NSW")
    if meta["kind"] not in KINDS:
        problems.append(f"kind '{meta['kind']}' is not one of {', '.join(KINDS)}")
    if not isinstance(meta["language"], str) or not LANGUAGE_RE.fullmatch(meta["language"]):
        problems.append(f"language {meta['language']!r} must be a two- or three-letter code such as en, de, no")
    if not isinstance(meta["completeness"], dict) or meta["completeness"].get("status") not in ("complete", "partial"):
        problems.append("completeness.status must be 'complete' or 'partial'")
    for field in TEXT_FIELDS:
        value = meta.get(field)
        if value is not None and (not isinstance(value, str) or CONTROL_RE.search(value) or len(value) > 1000):
            problems.append(f"{field} must be one line of text (no control characters, at most 1,000 characters)")
    for field in URL_FIELDS:
        if meta.get(field):
            problems.append(check_url(meta[field], field))
    for name, template in (meta.get("provision_url_templates") or {}).items():
        problems.append(check_url(str(template).replace("{n}", "1"), f"provision_url_templates.{name}"))
    for field in DATE_FIELDS:
        if meta.get(field):
            try:
                date.fromisoformat(meta[field])
            except (TypeError, ValueError):
                problems.append(f"{field} {meta[field]!r} must be a date written YYYY-MM-DD")
    problems = [p for p in problems if p]
    if problems:
        raise MetadataError("; ".join(problems), path=path)


def load_instrument(folder: Path) -> Instrument:
    path = folder / "metadata.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetadataError("metadata.json is missing", path=path) from None
    except json.JSONDecodeError as err:
        raise MetadataError(f"invalid JSON: {err.msg}", path=path, line=err.lineno) from None
    validate_metadata(meta, path)
    get_layout(meta["layout"], path=path)
    if meta["id"] != folder.name:
        raise MetadataError(f"id '{meta['id']}' does not match the folder name '{folder.name}'", path=path)
    return Instrument(meta=meta, folder=folder)


def list_instruments(sources_dir: Path = SOURCES_DIR) -> list[Instrument]:
    return [
        load_instrument(f)
        for f in sorted(sources_dir.iterdir())
        if not f.name.startswith(".") and (f / "metadata.json").exists()
    ]


def get_instrument(instrument_id: str, sources_dir: Path = SOURCES_DIR) -> Instrument:
    folder = sources_dir / instrument_id
    if not (folder / "metadata.json").exists():
        known = ", ".join(i.id for i in list_instruments(sources_dir))
        raise UnknownInstrumentError(f"no instrument '{instrument_id}'; known: {known}")
    return load_instrument(folder)
