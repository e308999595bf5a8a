"""Obligation extraction inside the build, cached on disk by everything it depends on, so a
rebuild only re-parses instruments whose text, metadata or extractor changed."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ingest.catalogue import Instrument
from ingest.model import ParsedInstrument
from kg.config import REPO_ROOT, cache_dir
from kg.processes import die_with_parent

EXTRACTOR_FILES = sorted((REPO_ROOT / "ingest" / "obligations").glob("*.py")) + \
    sorted((REPO_ROOT / "ingest" / "obligations").glob("*.json")) + \
    sorted((REPO_ROOT / "ingest" / "layouts").glob("*.py")) + [REPO_ROOT / "ingest" / "model.py"]


def cache_key(instrument: Instrument) -> str:
    digest = hashlib.sha256()
    for path in EXTRACTOR_FILES + [instrument.text_path, instrument.folder / "metadata.json"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def cache_path(instrument: Instrument) -> Path:
    return cache_dir() / "obligations" / f"{instrument.id}-{cache_key(instrument)}.json"


def not_extracted_note(instrument: Instrument) -> str | None:
    if instrument.extract_obligations:
        return None
    return (f"Obligations are not extracted from this text: it is in '{instrument.meta.get('language')}', and the "
            "extractor reads English only (marked as not extracted rather than extracted badly).")


def _extract(parsed: ParsedInstrument) -> tuple[list[dict], dict]:
    from ingest.obligations.extract import extract_instrument

    obligations, stats = extract_instrument(parsed)
    return [o.as_dict() for o in obligations], stats.as_dict()


def extract_all(pairs: list[tuple[Instrument, ParsedInstrument]], progress=None) -> dict[str, tuple[list, dict]]:
    """Obligations of every instrument: from the cache, else extracted (one process per core,
    forked after the spaCy model is loaded so it is loaded once)."""
    results: dict[str, tuple[list, dict]] = {}
    todo = []
    for instrument, parsed in pairs:
        if not instrument.extract_obligations:
            results[instrument.id] = ([], {})
        elif cache_path(instrument).exists():
            cached = json.loads(cache_path(instrument).read_text(encoding="utf-8"))
            results[instrument.id] = (cached["obligations"], cached["stats"])
        else:
            todo.append((instrument, parsed))
    if todo:
        from ingest.obligations.extract import load_nlp

        load_nlp()
        workers = min(len(todo), os.cpu_count() or 1)
        ordered = sorted(todo, key=lambda p: -len(p[1].text))  # longest first balances the pool
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                                     initializer=die_with_parent) as pool:
                futures = {pool.submit(_extract, parsed): instrument for instrument, parsed in ordered}
                for done, future in enumerate(as_completed(futures), start=1):
                    instrument = futures[future]
                    results[instrument.id] = future.result()
                    _store(instrument, *results[instrument.id])
                    if progress:
                        progress(f"extract obligations {instrument.id}", done, len(todo))
        else:
            for done, (instrument, parsed) in enumerate(ordered, start=1):
                results[instrument.id] = _extract(parsed)
                _store(instrument, *results[instrument.id])
                if progress:
                    progress(f"extract obligations {instrument.id}", done, len(todo))
    return results


def _store(instrument: Instrument, records: list[dict], stats: dict) -> None:
    path = cache_path(instrument)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"{instrument.id}-*.json"):
        stale.unlink()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"obligations": records, "stats": stats}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
