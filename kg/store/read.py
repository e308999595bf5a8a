"""Read-side API over the current build: what the app and the CLI show."""

from __future__ import annotations

from pathlib import Path

from kg.errors import UnknownInstrumentError
from kg.store import builds as stores
from kg.caching import loaded_once
from kg.config import sparql_endpoint
from ingest.coordination import Membership, Partnership, participant_names
from ingest.obligations.deontic import NORMATIVE
from kg.store.queries import library_query, select, select_named


@loaded_once(maxsize=4)
def _store_for(path: str, endpoint: tuple | None):
    return stores.open_store(stores.BuildPaths(Path(path)))


def store():
    """The current build's store (or the configured remote endpoint), opened once per build."""
    build = stores.require_current_build()
    return _store_for(str(build.root), sparql_endpoint())


def instruments() -> list[dict]:
    """The graph's instruments (copies: callers may change them), queried once per build."""
    build = stores.require_current_build()
    return [dict(row) for row in _instrument_rows(build.root.name, sparql_endpoint())]


@loaded_once(maxsize=2)
def _instrument_rows(build_id: str, endpoint: tuple | None) -> tuple[dict, ...]:
    rows = select_named(store(), "instruments")
    for row in rows:
        row["partial"] = row["completeness"].lower() != "complete"
    return tuple(rows)


def coordination_jurisdictions() -> list[str]:
    """The jurisdiction codes (upper case) of the coordinating bodies in the shipped coordination
    data, as the build wrote them into the graph; queried once per build."""
    build = stores.require_current_build()
    return list(_coordination_jurisdictions(build.root.name, sparql_endpoint()))


@loaded_once(maxsize=2)
def _coordination_jurisdictions(build_id: str, endpoint: tuple | None) -> tuple[str, ...]:
    from kg.rdf.coordination import SHIPPED_GRAPH
    from kg.rdf.terms import graph_iri

    rows = select_named(store(), "coordination_jurisdictions", graph=graph_iri(SHIPPED_GRAPH))
    return tuple(sorted({r["code"].upper() for r in rows}))


def memberships() -> list[Membership]:
    """Every membership row of the coordination data in service, as the build wrote it into the
    graph: the shipped list's rows, then each imported list's (by file name), each in line order."""
    build = stores.require_current_build()
    return list(_memberships(build.root.name, sparql_endpoint()))


@loaded_once(maxsize=2)
def _memberships(build_id: str, endpoint: tuple | None) -> tuple[Membership, ...]:
    rows = _in_file_order(select_named(store(), "coordination_memberships"))
    return tuple(Membership(
        row=r["row"], body_id=r["bodyId"], body_name=r["bodyName"], level=r["level"], jurisdiction=r["jurisdiction"],
        member_name=r["member"], member_kind=r["kind"], member_kind_as_coded=r["kindAsCoded"], role=r["role"],
        source_url=r["source"], source_quote=r["quote"], year=r["year"]) for r in rows)


def partnerships() -> list[Partnership]:
    """Every financial-sector partnership row of the coordination data in service, in line order
    (imported lists hold memberships only)."""
    build = stores.require_current_build()
    return list(_partnerships(build.root.name, sparql_endpoint()))


@loaded_once(maxsize=2)
def _partnerships(build_id: str, endpoint: tuple | None) -> tuple[Partnership, ...]:
    rows = _in_file_order(select_named(store(), "coordination_partnerships"))
    return tuple(Partnership(row=r["row"], name=r["name"], jurisdiction=r["jurisdiction"], kind=r["kind"],
                             participants=participant_names(r["participants"]), source_url=r["source"],
                             source_quote=r["quote"]) for r in rows)


def _in_file_order(rows: list[dict]) -> list[dict]:
    """Rows in the order the build read them: the shipped data first, then the imported lists by file
    name (as kg.build.pipeline reads them), each file in line order."""
    from kg.rdf.coordination import SHIPPED_GRAPH
    from kg.rdf.terms import graph_iri

    shipped = graph_iri(SHIPPED_GRAPH).value
    return sorted(rows, key=lambda row: (row["graph"] != shipped, row["dataFile"], row["row"]))


def coordination_row_errors() -> list[str]:
    """The shipped membership list's invalid rows, which the build left out ("row 12, as_of: …"): a
    diagnostic of the build, kept in its manifest."""
    return list(stores.read_manifest().get("coordination", {}).get("row_errors", []))


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
    from kg.rdf.terms import id_from_iri

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




def obligations(instrument_id: str | None = None, actor_kind: str | None = None, modality: str | None = None,
                actor: str | None = None, strength: str | None = None, provision_prefix: str | None = None,
                normative_only: bool = False) -> list[dict]:
    """Extracted obligations, one dict each (the CLI's JSON fields), filtered as asked."""
    build_id = stores.require_current_build().root.name
    if provision_prefix:
        top = "/".join(provision_prefix.split("/")[:2])
        rows = _obligations_by_top(build_id).get(top, [])
    else:
        rows = _all_obligations(build_id)
    out = []
    for r in rows:
        if instrument_id and r["instrument"] != instrument_id:
            continue
        if actor_kind and r["actor_kind"] != actor_kind:
            continue
        if modality and r["modality"] != modality:
            continue
        if actor and r["actor"] != actor:
            continue
        if strength and r["strength"] != strength:
            continue
        if normative_only and r["modality"] not in NORMATIVE:
            continue
        if provision_prefix and not (r["provision"] == provision_prefix or
                                     r["provision"].startswith(provision_prefix + "/")):
            continue
        out.append(r)
    return out


@loaded_once(maxsize=2)
def _obligations_by_top(build_id: str) -> dict[str, list[dict]]:
    """Obligations grouped by their article/section, for fast per-provision lookups."""
    grouped: dict[str, list[dict]] = {}
    for row in _all_obligations(build_id):
        grouped.setdefault("/".join(row["provision"].split("/")[:2]), []).append(row)
    return grouped


@loaded_once(maxsize=2)
def _all_obligations(build_id: str) -> list[dict]:
    details: dict[str, dict[str, list[str]]] = {}
    for row in select_named(store(), "obligation_details"):
        bucket = details.setdefault(row["id"], {}).setdefault(row["kind"], [])
        if row["value"] not in bucket:
            bucket.append(row["value"])
    # one row per obligation: the same triple can sit in several graphs of the union, and an actor
    # with several labels gives a row for each; the least label is kept, whichever order the store
    # (embedded or remote) returns the rows in
    kept: dict[str, dict] = {}
    for r in select_named(store(), "obligations"):
        if r["id"] not in kept or (r["actorLabel"] or "") < (kept[r["id"]]["actorLabel"] or ""):
            kept[r["id"]] = r
    out = []
    for r in kept.values():
        extra = details.get(r["id"], {})
        out.append({
            "id": r["id"], "provision": r["provisionId"], "citation": r["citation"],
            "instrument": r["instrumentId"], "modality": r["modalityCode"], "strength": r["strengthCode"],
            "actor": r["actorId"], "actor_kind": r["actorKindCode"], "actor_label": r["actorLabel"],
            "actor_text": r["actorText"], "bearer_source": r["bearerSource"],
            "regulated_party": r["regulatedId"], "regulated_party_kind": r["regulatedKindCode"],
            "action": r["action"], "sentence": r["sentence"], "start": r["start"], "end": r["end"],
            "conditions": extra.get("conditions", []), "exceptions": extra.get("exceptions", []),
            "beneficiaries": extra.get("beneficiaries", []), "references": extra.get("references", []),
            "method": r["method"],
        })
    out.sort(key=lambda o: (o["instrument"], o["start"], o["id"]))
    return out


def not_extracted() -> dict[str, str]:
    """Instruments whose obligations were not extracted, with the reason."""
    rows = select_named(store(), "not_extracted")
    return {r["id"]: r["note"] for r in rows}


def provision_references(provision_id: str, include_parts: bool = False) -> dict[str, list[dict]]:
    """{"cites": […], "cited_by": […]}: references between this provision (or the provisions inside
    it, for "cited by") and other instruments, each with the other side and the citing words.

    With ``include_parts`` the provisions inside it count for "cites" too (an article view shows
    its points' words, so it shows what they cite), and each row also names our side: ``own`` and
    ``own_citation`` (the citing provision for "cites", the cited one for "cited by")."""
    name = "provision_references_within" if include_parts else "provision_references"
    rows = select_named(store(), name, provision=provision_id)
    out: dict[str, list[dict]] = {"cites": [], "cited_by": []}
    for r in rows:
        row = {"id": r["otherId"], "citation": r["otherCitation"], "instrument": r["otherInstrument"],
               "cited_label": r["citedLabel"], "citing_text": r["citingText"]}
        if include_parts:
            row.update(own=r["ownId"], own_citation=r["ownCitation"])
        out["cites" if r["direction"] == "cites" else "cited_by"].append(row)
    return out


def cross_references(instrument_id: str | None = None) -> list[dict]:
    """Every reference between instruments (of one citing instrument, if given), with its evidence."""
    if instrument_id:
        instrument(instrument_id)
    # filtered here, not bound: Oxigraph binds only projected variables, and the library query
    # projects the citing provision, not its instrument (the provision id starts with it)
    return [{"citing": r["citingId"], "citing_citation": r["citingCitation"], "cited": r["citedId"],
             "cited_citation": r["citedCitation"], "cited_instrument": r["citedInstrument"],
             "cited_label": r["citedLabel"], "citing_text": r["citingText"]}
            for r in select(store(), library_query("cross_instrument_references"))
            if not instrument_id or r["citingId"].split("/")[0] == instrument_id]


def footnotes(provision_id: str, include_parts: bool = False) -> list[dict]:
    """The source's footnotes marked in this provision's own words ({"marker", "text"}); with
    ``include_parts``, also those marked in the provisions inside it, each footnote once."""
    if not include_parts:
        return select_named(store(), "provision_footnotes", provision=provision_id)
    unique: dict[str, dict] = {}  # a footnote marked in two points is listed once
    for r in select_named(store(), "provision_footnotes_within", provision=provision_id):
        unique.setdefault(r["marker"], {"marker": r["marker"], "text": r["text"]})
    return list(unique.values())
