"""The sources: one folder per instrument with ``text.txt``, ``SOURCE.md`` and ``metadata.json``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import MetadataError, SourceTextError, UnknownInstrumentError
from ingest.layouts import parse_text
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


def validate_metadata(meta: dict, path: Path) -> None:
    missing = [f for f in REQUIRED_FIELDS if not meta.get(f)]
    if missing:
        raise MetadataError(f"missing field(s): {', '.join(missing)}", path=path)
    if meta["kind"] not in KINDS:
        raise MetadataError(f"kind '{meta['kind']}' is not one of {', '.join(KINDS)}", path=path)
    if meta["completeness"].get("status") not in ("complete", "partial"):
        raise MetadataError("completeness.status must be 'complete' or 'partial'", path=path)


def load_instrument(folder: Path) -> Instrument:
    path = folder / "metadata.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetadataError("metadata.json is missing", path=path) from None
    except json.JSONDecodeError as err:
        raise MetadataError(f"invalid JSON: {err.msg}", path=path, line=err.lineno) from None
    validate_metadata(meta, path)
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
