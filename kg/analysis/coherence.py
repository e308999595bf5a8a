"""Policy coherence across instruments: the theme coverage matrix (instrument × theme and
jurisdiction × theme), nearest equivalents of a provision in the other instruments, and the themes
one instrument covers that another does not. The scorecard is ``kg.analysis.scorecard``.

The matrix is computed once per build from the theme classification (``themes/coverage.json`` in
the build folder), because the same counts by SPARQL (``kg/queries/theme_coverage.rq`` and
``theme_obligations.rq``) take about a second over the whole graph.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from kg.store.builds import BuildPaths, ThemeFiles
from kg.errors import UnclassifiedInstrumentError, UnknownJurisdictionError, UnknownProvisionError, UsageError
from ingest.jurisdictions import applicable_instruments
from ingest.obligations.deontic import NORMATIVE

# A cell is a candidate gap when it has no provision while at least this share of the other rows
# (instruments, or jurisdictions) have at least one provision with the theme.
GAP_SHARE = 0.5
GAP_RULE = (f"a cell is a candidate gap when it has no article or section with the theme while at least "
            f"{GAP_SHARE:.0%} of the other rows have one")
SNIPPET = 400


# --- built with the graph ------------------------------------------------------------------------


def coverage_rows(classification, obligations: list[dict]) -> list[dict]:
    """Instrument × theme cells: the articles and sections with the theme (top-level provisions;
    recitals and preambles left out) and the norms with it, binding or soft, by bearer kind."""
    cells: dict[tuple[str, str], dict] = {}

    def cell(instrument: str, theme: str) -> dict:
        return cells.setdefault((instrument, theme), {
            "instrument": instrument, "theme": theme, "provisions": 0, "provision_ids": [],
            "obligations": 0, "binding": 0, "soft": 0, "bearer_kinds": {}})

    for item in classification.corpus.items:
        if item.parent is not None or item.kind == "point" or "/rec" in item.provision or \
                item.provision.endswith("/preamble"):
            continue
        for a in classification.provisions.get(item.provision, []):
            c = cell(item.instrument, a.theme)
            c["provisions"] += 1
            c["provision_ids"].append(item.provision)
    for ob in obligations:
        if ob["modality"] not in NORMATIVE:
            continue
        for a in classification.obligations.get(ob["id"], []):
            c = cell(ob["provision"].split("/")[0], a.theme)
            c["obligations"] += 1
            if ob.get("strength") in ("binding", "soft"):
                c[ob["strength"]] += 1
            kind = ob.get("actor_kind") or "unresolved"
            c["bearer_kinds"][kind] = c["bearer_kinds"].get(kind, 0) + 1
    return sorted(cells.values(), key=lambda c: (c["instrument"], c["theme"]))


def write_coverage(rows: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ThemeFiles(folder).coverage.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


# --- reading ------------------------------------------------------------------------------------


def _build_root() -> Path:
    from kg.store import builds as stores

    return stores.require_current_build().root


@lru_cache(maxsize=2)
def _coverage(root: str) -> list[dict]:
    return json.loads(BuildPaths(Path(root)).themes.coverage.read_text(encoding="utf-8"))


def instrument_jurisdictions() -> dict[str, str]:
    from kg.store import read

    return {r["id"]: r["jurisdiction"] for r in read.instruments()}


def classified_instruments() -> list[str]:
    """English instruments (the classifier reads English only)."""
    return sorted({it["instrument"] for it in _items(str(_build_root()))})


def _empty(row: str, theme: str) -> dict:
    return {"row": row, "theme": theme, "provisions": 0, "provision_ids": [], "obligations": 0, "binding": 0,
            "soft": 0, "bearer_kinds": {}}


def _flag_gaps(cells: list[dict], rows: list[str], theme_codes: list[str]) -> None:
    for theme in theme_codes:
        column = [c for c in cells if c["theme"] == theme]
        for c in column:
            others = [o for o in column if o["row"] != c["row"]]
            full = sum(1 for o in others if o["provisions"] > 0)
            c["candidate_gap"] = c["provisions"] == 0 and bool(others) and full / len(others) >= GAP_SHARE
            c["gap_reason"] = (f"no article or section on this theme, while {full} of the {len(others)} other rows "
                               f"have one") if c["candidate_gap"] else ""


def matrix(by: str = "instrument") -> dict:
    """The coverage matrix: one cell per row (instrument or jurisdiction) and theme, every cell
    present (empty ones included), candidate gaps flagged by ``GAP_RULE``."""
    from kg.analysis.themes import themes

    theme_codes = [t.notation for t in themes()]
    raw = _coverage(str(_build_root()))
    instruments = classified_instruments()
    if by == "instrument":
        rows = instruments
        index = {(c["instrument"], c["theme"]): c for c in raw}
        cells = []
        for row in rows:
            for theme in theme_codes:
                found = index.get((row, theme))
                cells.append({**_empty(row, theme), **({k: v for k, v in found.items() if k != "instrument"}
                                                       if found else {})})
    elif by == "jurisdiction":
        jurisdictions = instrument_jurisdictions()
        rows = jurisdiction_codes(jurisdictions)
        cells = []
        for code in rows:
            applying = [i for i in applicable_instruments(code, jurisdictions) if i in instruments]
            for theme in theme_codes:
                c = _empty(code, theme)
                c["instruments"] = applying
                for part in raw:
                    if part["instrument"] in applying and part["theme"] == theme:
                        for key in ("provisions", "obligations", "binding", "soft"):
                            c[key] += part[key]
                        c["provision_ids"] += part["provision_ids"]
                        for kind, n in part["bearer_kinds"].items():
                            c["bearer_kinds"][kind] = c["bearer_kinds"].get(kind, 0) + n
                cells.append(c)
    else:
        raise UsageError(f"matrix rows must be 'instrument' or 'jurisdiction', not '{by}'")
    _flag_gaps(cells, rows, theme_codes)
    return {"by": by, "rows": rows, "themes": theme_codes, "cells": cells, "gap_rule": GAP_RULE,
            "counts": "provisions = articles and sections (recitals and preambles left out) with the theme; "
                      "obligations = norms (obligations, prohibitions, permissions) with the theme, split by "
                      "strength (binding, soft) and by the kind of actor that bears them"}


def jurisdiction_codes(jurisdictions: dict[str, str] | None = None) -> list[str]:
    """Jurisdictions with an instrument of their own in the graph, and the EU member states with a
    coordinating body in the shipped coordination data (EU acts apply in them), read from the graph."""
    from kg.store import read

    jurisdictions = jurisdictions or instrument_jurisdictions()
    classified = set(classified_instruments())
    codes = set(jurisdictions.values()) - {"INT"}
    codes |= set(read.coordination_jurisdictions())
    return sorted(c for c in codes if set(applicable_instruments(c, jurisdictions)) & classified)


def check_jurisdiction(code: str) -> str:
    code = (code or "").strip().upper()
    known = jurisdiction_codes()
    if code not in known:
        raise UnknownJurisdictionError(f"no English instrument that applies in '{code}' is in the graph; "
                                       f"known: {', '.join(known)}")
    return code


def theme_differences(a: str, b: str) -> dict:
    """Themes instrument ``a`` covers that ``b`` does not, and the other way round, with the
    articles and sections that cover them."""
    cells = {(c["row"], c["theme"]): c for c in matrix("instrument")["cells"]}
    for iid in (a, b):
        if not any(r == iid for r, _ in cells):
            raise UnclassifiedInstrumentError(f"no classified instrument '{iid}' (the classifier reads English texts only)")
    from kg.analysis.themes import themes

    out = {"a": a, "b": b, "only_a": [], "only_b": [], "both": []}
    for t in themes():
        ca, cb = cells[(a, t.notation)], cells[(b, t.notation)]
        if ca["provisions"] and not cb["provisions"]:
            out["only_a"].append({"theme": t.notation, "label": t.label, "provisions": ca["provision_ids"]})
        elif cb["provisions"] and not ca["provisions"]:
            out["only_b"].append({"theme": t.notation, "label": t.label, "provisions": cb["provision_ids"]})
        elif ca["provisions"] and cb["provisions"]:
            out["both"].append({"theme": t.notation, "label": t.label})
    return out


# --- nearest equivalents --------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _items(root: str) -> list[dict]:
    return json.loads(BuildPaths(Path(root)).themes.items.read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _assignments(root: str) -> dict[str, list[dict]]:
    return json.loads(BuildPaths(Path(root)).themes.assignments.read_text(encoding="utf-8"))


def provision_themes(provision_id: str) -> list[dict]:
    return _assignments(str(_build_root())).get(provision_id, [])


def _norms(provision_id: str) -> list[dict]:
    from kg.store import read

    return [{"modality": o["modality"], "strength": o["strength"], "bearer_kind": o["actor_kind"],
             "bearer": o["actor"]} for o in read.obligations(provision_prefix=provision_id, normative_only=True)]


def _norm_summary(norms: list[dict]) -> dict:
    return {"modalities": sorted({n["modality"] for n in norms}),
            "strengths": sorted({n["strength"] for n in norms if n["strength"]}),
            "bearer_kinds": sorted({n["bearer_kind"] for n in norms if n["bearer_kind"]})}


@lru_cache(maxsize=2)
def _search_units(root: str) -> tuple[list[dict], np.ndarray]:
    index = BuildPaths(Path(root)).search_index
    return json.loads(index.units.read_text(encoding="utf-8")), np.load(index.dense)


def _query_vector(provision_id: str, units: list[dict], dense: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """The provision's search vector; an article split into paragraphs: the normalised mean of
    its paragraphs; a point: the paragraph it belongs to (named in the answer)."""
    position = {u["provision"]: i for i, u in enumerate(units)}
    if provision_id in position:
        return dense[position[provision_id]], provision_id
    inside = [i for u, i in position.items() if u.startswith(provision_id + "/")]
    if inside:
        mean = dense[inside].mean(axis=0)
        return mean / (np.linalg.norm(mean) or 1.0), provision_id
    parts = provision_id.split("/")
    for n in range(len(parts) - 1, 1, -1):
        if "/".join(parts[:n]) in position:
            unit = "/".join(parts[:n])
            return dense[position[unit]], unit
    return None, None


def equivalents(provision_id: str, k: int = 3, instruments: list[str] | None = None) -> dict:
    """For a provision, its ``k`` closest counterparts in each other English instrument (cosine of
    the search index's paragraph-level vectors, which read the heading and citation with the text;
    recitals left out), with their themes and the modality and bearer kinds of their norms side by
    side."""
    from kg.store import read

    root = str(_build_root())
    units, dense = _search_units(root)
    vector, compared_as = _query_vector(provision_id, units, dense)
    me = next((u for u in units if u["provision"] == compared_as or u["group"] == provision_id), None)
    if vector is None or me is None or me.get("language", "en") != "en" or not vector.any():
        row = read.provision(provision_id)
        why = "it is not in an English text (the model reads English only)" if row else "it is not in the graph"
        raise UnknownProvisionError(f"no provision '{provision_id}' to compare: {why}")
    scores = dense @ vector
    own_norms = _norm_summary(_norms(provision_id))
    by_instrument: dict[str, list[tuple[float, dict]]] = {}
    for i in np.argsort(-scores):
        other = units[int(i)]
        if other["instrument"] == me["instrument"] or other.get("language", "en") != "en" or "/rec" in other["provision"]:
            continue
        if instruments and other["instrument"] not in instruments:
            continue
        bucket = by_instrument.setdefault(other["instrument"], [])
        if len(bucket) < k:
            bucket.append((float(scores[i]), other))
    out = []
    for instrument, matches in sorted(by_instrument.items(), key=lambda kv: -kv[1][0][0]):
        rows = []
        for score, other in matches:
            norms = _norm_summary(_norms(other["provision"]))
            rows.append({
                "provision": other["provision"], "citation": other["citation"], "score": round(score, 3),
                "heading": other.get("heading"), "text": other["text"][:SNIPPET],
                "themes": [a["theme"] for a in provision_themes(other["provision"])], **norms,
                "same_modality": bool(set(norms["modalities"]) & set(own_norms["modalities"])),
                "same_bearer_kind": bool(set(norms["bearer_kinds"]) & set(own_norms["bearer_kinds"])),
            })
        out.append({"instrument": instrument, "matches": rows})
    detail = read.provision(provision_id) or {}
    return {"provision": provision_id, "citation": detail.get("citation") or me["citation"],
            "instrument": me["instrument"], "compared_as": compared_as,
            "text": (detail.get("text") or "")[:SNIPPET], "themes": [a["theme"] for a in provision_themes(provision_id)],
            **own_norms, "k": k, "by_instrument": out,
            "method": "cosine similarity of the search index's all-MiniLM-L6-v2 vectors (an article split into "
                      "paragraphs: the mean of its paragraphs; a point: its paragraph); norms compared by modality "
                      "and by the kind of actor that bears them"}
