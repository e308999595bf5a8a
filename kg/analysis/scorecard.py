"""The scorecard: for one jurisdiction, the four recommendations of the UNU FAST briefing "Bridging
the Gap", each with the evidence the graph holds for or against it. Every item says why it counts
and links to its provision or to its source and quote; a recommendation with nothing in the graph
says so. There is no score: only the items, and how many there are of each kind.

What business-conduct law asks of the financial sector (kg.analysis.financial_reach) counts too, for the
instruments that bring financial undertakings in among the companies they bind: under business
conduct, the definitions that bring them in are for, and what leaves them out, narrows what
applies to them or postpones it to a review is against; under finance and human-rights coherence,
a role for financial supervisors is for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.coordination import FINANCIAL_KINDS
from ingest.jurisdictions import applicable_instruments, label as jurisdiction_label
from ingest.obligations.deontic import DUTIES
from kg.analysis.gaps import MARKET_KINDS

MAX_ITEMS = 8  # per kind of evidence; the rest are counted ("and N more")
NO_EVIDENCE = "no evidence in the graph"
# what each role of kg.analysis.financial_reach says about the recommendations: (stance, why)
REACH_EVIDENCE = {
    "scope": ("for", "brings financial undertakings into {name}'s scope"),
    "limit": ("against", "leaves financial undertakings out of {name}, or narrows what applies to them"),
    "review": ("against", "leaves financial services to a later review or proposal under {name}, not a duty now"),
    "supervision": ("for", "gives financial supervision a role under {name}"),
}
REACH_MORE = "see Who must do what › The financial sector in this instrument"

RECOMMENDATIONS = [
    ("survivor-informed-prevention", "Survivor-informed prevention",
     "Prevention designed with survivors: survivor organisations on the coordinating bodies, and provisions "
     "on survivor participation and victim protection."),
    ("business-conduct-remedy", "Regulating business conduct in value chains, including remedy",
     "Binding duties on businesses and financial institutions (due diligence, disclosure, market controls) and "
     "provisions on remedy and compensation."),
    ("finance-human-rights-coherence",
     "Policy coherence between finance and human-rights agencies; financial regulators in coordinating bodies",
     "A financial regulator, FIU, central bank or finance ministry on the anti-trafficking coordinating body, "
     "and norms that bind financial authorities."),
    ("financial-sector-partnerships", "Partnerships with the financial sector",
     "Public-private or inter-agency partnerships in which financial-sector actors work against trafficking."),
]


@dataclass
class Evidence:
    stance: str  # for, against, none
    kind: str  # provision, obligation, membership, body, partnership, none
    label: str
    why: str
    link: str | None = None  # /browse?provision=… or the source URL
    quote: str | None = None
    year: int | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Recommendation:
    id: str
    title: str
    looks_for: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def summary(self) -> str:
        n_for = sum(e.stance == "for" for e in self.evidence)
        n_against = sum(e.stance == "against" for e in self.evidence)
        if not n_for and not n_against:
            return "No evidence in the graph for or against."
        return f"{n_for} item(s) of evidence for, {n_against} against (listed below, each with its source)."

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "looks_for": self.looks_for, "summary": self.summary,
                "evidence": [e.as_dict() for e in self.evidence]}


def provision_link(provision_id: str) -> str:
    from urllib.parse import quote

    return f"/browse?provision={quote(provision_id, safe='')}"


def _capped(items: list[Evidence], what: str, where: str = "see the coverage matrix") -> list[Evidence]:
    if len(items) <= MAX_ITEMS:
        return items
    rest = len(items) - MAX_ITEMS
    return items[:MAX_ITEMS] + [Evidence(items[0].stance, "more", f"and {rest} more {what}",
                                         f"{rest} further items of the same kind; {where}")]


def _reach_items(reaches: dict[str, dict], names: dict[str, str], role: str) -> list[Evidence]:
    """Evidence from what each instrument asks of the financial sector (kg.analysis.financial_reach): the
    provisions of one role, each with its sentence and the recitals that explain it, capped per
    instrument."""
    stance, why = REACH_EVIDENCE[role]
    out = []
    for iid, reach in reaches.items():
        name = names.get(iid, iid)
        norms = reach.get("company_norms") or {}
        items = []
        for item in (i for i in reach["items"] if i["role"] == role):
            reason = why.format(name=name)
            if role == "scope" and norms.get("count"):
                reason += (f" as companies, so its {norms['count']} binding norms on companies bind them too")
            for recital in item["explained_by"][:1]:  # the recital says in words what the article does
                reason += f"; {recital['citation']} explains: “{recital['sentence']}”"
            items.append(Evidence(stance, "provision", item["citation"], reason, provision_link(item["provision"]),
                                  item["sentence"]))
        out += _capped(items, f"{role} provisions of {name} on the financial sector", REACH_MORE)
    return out


def _theme_items(cells: dict, applying: list[str], theme: str, why: str, citations: dict) -> list[Evidence]:
    out = []
    for iid in applying:
        for pid in cells.get((iid, theme), {}).get("provision_ids", []):
            out.append(Evidence("for", "provision", citations.get(pid, pid), why, provision_link(pid)))
    return out


def _none(why: str) -> Evidence:
    return Evidence("none", "none", NO_EVIDENCE, why)


def scorecard(code: str) -> dict:
    """The four recommendations with their evidence for jurisdiction ``code`` (e.g. GB, AU, CA)."""
    from kg.analysis import coherence
    from kg.analysis.financial_reach import financial_reach
    from kg.analysis.gaps import current_gaps
    from kg.store import read
    from kg.analysis.themes import theme_labels

    code = coherence.check_jurisdiction(code)
    jurisdictions = coherence.instrument_jurisdictions()
    applying = [i for i in applicable_instruments(code, jurisdictions) if i in coherence.classified_instruments()]
    cells = {(c["row"], c["theme"]): c for c in coherence.matrix("instrument")["cells"]}
    citations = {it["provision"]: it["citation"] for it in coherence._items(str(coherence._build_root()))}
    labels = theme_labels()
    coordination = current_gaps()
    mine = [m for m in coordination.memberships if m.jurisdiction.upper() == code]
    bodies = [g for g in coordination.bodies if g.jurisdiction.upper() == code]
    norms = [o for o in read.obligations(normative_only=True) if o["instrument"] in applying]
    law = ", ".join(applying) or "no instrument of this jurisdiction in the graph"
    # what business-conduct law asks of the financial sector: the instruments that bring financial
    # undertakings in among the companies they bind (in an AML act they are the addressees themselves,
    # and its exemptions and supervisors say nothing about value chains or human-rights agencies)
    reaches = {iid: reach for iid in applying if (reach := financial_reach(iid))["company_norms"] is not None}
    names = {r["id"]: r["shortTitle"] for r in read.instruments()}

    # 1. survivor-informed prevention
    r1 = Recommendation(*RECOMMENDATIONS[0])
    survivors = [m for m in mine if m.member_kind == "survivor_organisation"]
    r1.evidence += [Evidence("for", "membership", f"{m.member_name} on {m.body_name}",
                             "a survivor organisation sits on the coordinating body", m.source_url, m.source_quote,
                             m.year) for m in survivors]
    for body_id in sorted({m.body_id for m in mine} - {m.body_id for m in survivors}):
        rows = [m for m in mine if m.body_id == body_id]
        year = max((m.year for m in rows if m.year), default=None)
        r1.evidence.append(Evidence(
            "against", "body", rows[0].body_name,
            f"none of the {len({m.member_name for m in rows})} members listed in the sources read is a survivor "
            f"organisation" + (f" (as of {year})" if year else ""), rows[0].source_url, rows[0].source_quote, year))
    r1.evidence += _capped(_theme_items(cells, applying, "survivor-participation",
                                        f"classified under '{labels['survivor-participation']}'", citations),
                           "survivor-participation provisions")
    r1.evidence += _capped(_theme_items(cells, applying, "victim-protection-assistance",
                                        f"survivor-centred: classified under '{labels['victim-protection-assistance']}'",
                                        citations), "victim-protection provisions")
    if not r1.evidence:
        r1.evidence.append(_none(f"no survivor organisation on a body of {code} and no survivor-participation or "
                                 f"victim-protection provision in {law}"))

    # 2. business conduct in value chains, including remedy
    r2 = Recommendation(*RECOMMENDATIONS[1])
    market = [o for o in norms if o["actor_kind"] in MARKET_KINDS and o["modality"] in DUTIES]
    r2.evidence += _capped([Evidence("for", "obligation", f"{o['citation']}: {o['actor_label'] or o['actor']}",
                                     f"{o['strength'] or ''} {o['modality']} on a {o['actor_kind'].replace('_', ' ')}"
                                     .strip(), provision_link(o["provision"]), o["sentence"]) for o in market],
                           "norms on businesses or financial institutions")
    remedy = _theme_items(cells, applying, "remedy-compensation",
                          f"classified under '{labels['remedy-compensation']}'", citations)
    r2.evidence += _capped(remedy, "remedy provisions")
    # financial undertakings bound as companies are for it; what leaves them out, or waits for a review, against
    for role in ("scope", "limit", "review"):
        r2.evidence += _reach_items(reaches, names, role)
    if not market:
        r2.evidence.append(_none(f"no obligation or prohibition on businesses or financial institutions was "
                                 f"extracted from {law}"))
    if not remedy:
        r2.evidence.append(_none(f"no article or section on remedy or compensation in {law}"))

    # 3. coherence between finance and human-rights agencies
    r3 = Recommendation(*RECOMMENDATIONS[2])
    for gap in bodies:
        stance = "for" if gap.status == "represented" else "against"
        first = gap.financial_members[0] if gap.financial_members else None
        source = first or next(({"source_url": m.source_url, "quote": m.source_quote}
                                for m in mine if m.body_id == gap.body), {})
        r3.evidence.append(Evidence(stance, "body", f"{gap.body_name} ({gap.status.replace('_', ' ')})",
                                    "gap analysis: " + gap.statement, source.get("source_url"), source.get("quote"),
                                    gap.evidence_year))
    if not bodies:
        r3.evidence.append(_none(f"no coordinating body of {code} in the coordination data"))
    financial_norms = [o for o in norms if o["actor_kind"] in FINANCIAL_KINDS]
    r3.evidence += _capped([Evidence("for", "obligation", f"{o['citation']}: {o['actor_label'] or o['actor']}",
                                     f"{o['modality']} on a financial authority ({o['actor_kind'].replace('_', ' ')})",
                                     provision_link(o["provision"]), o["sentence"]) for o in financial_norms],
                           "norms on financial authorities")
    r3.evidence += _reach_items(reaches, names, "supervision")

    # 4. partnerships with the financial sector
    r4 = Recommendation(*RECOMMENDATIONS[3])
    for p in coordination.partnerships:
        if code in {j.strip().upper() for j in p.jurisdiction.split("/")}:
            r4.evidence.append(Evidence("for", "partnership", p.name,
                                        f"{p.kind}: " + ", ".join(p.participants[:6]), p.source_url, p.source_quote))
    if not r4.evidence:
        r4.evidence.append(_none(f"no financial-sector partnership of {code} in the coordination data"))

    return {"jurisdiction": code, "name": jurisdiction_label(code), "instruments": applying,
            "recommendations": [r.as_dict() for r in (r1, r2, r3, r4)],
            "coverage": [c for c in coherence.matrix("jurisdiction")["cells"] if c["row"] == code],
            "note": "Evidence is what the graph holds: the law texts in the corpus and the cited coordination data. "
                    "An absence means absent from the sources read, not proven absent."}
