"""What an instrument asks of the financial sector, and what it leaves out, each point cited.

Read from the graph, for any instrument: the provisions whose own words name a financial
undertaking or financial services (a gazetteer from the actor registry's financial-institution
forms plus the common statutory terms), each given a role by its wording:

- ``scope``: a definition that brings them in ("‘company’ means … a regulated financial undertaking");
- ``limit``: what leaves them out or narrows what applies ("shall not apply to AIFs", "only … upstream");
- ``supervision``: who supervises them for this instrument;
- ``reporting``: how their reporting under other acts counts;
- ``review``: a clause that postpones a decision about them to a report or proposal;
- ``duty``: a norm of the instrument that names them;
- ``mention``: anything else.

A provision is listed once per role, with the first sentence that gives it that role; one with a
telling role (scope … review) is not listed again as a mere duty or mention. A sentence that names
no financial undertaking but cites a ``scope`` provision ("companies referred to in Article
3(1)point (a)(iii)") speaks of them too: it is kept, with ``refers_to`` naming that provision.

Recitals that name them are linked to the article they explain through the term they quote:
recital (26) explains "‘chain of activities’", so it is shown beside Art. 3(1)(g), the definition
whose downstream limb covers products only. When a ``scope`` definition makes them "companies", the
instrument's norms on companies bind them too; those are counted per article (not when the
definition is of a financial undertaking itself, "‘credit institution’ means …").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from ingest.obligations.actors import registry
from ingest.obligations.deontic import DUTIES
from ingest.obligations.references import ELSEWHERE_RE, resolve_references

FIXED_TERMS = ("regulated financial undertaking", "financial undertaking", "financial services", "financial service",
               "financial sector", "financial institution", "credit institution", "investment firm",
               "insurance undertaking", "investment activities", "asset manager", "bank",
               # funds are named by their kind, not as "financial" (the CSDDD's Art. 2(8): "AIFs … UCITS")
               "collective investment", "investment fund")
ROLE_CUES = [
    ("limit", re.compile(r"\bshall not apply\b|\bnot include\b|\bexclud|\bonly\b[^.;]{0,80}\bupstream\b|\bupstream\b|"
                         r"\bdownstream\b|\bshall not cover\b|\bdoes not cover\b", re.I)),
    # a report or review (the noun: "entities shall report whether …" is a duty, not a review)
    ("review", re.compile(r"\b(?:a|the)\s+(?:report|review)\b[^.;]{0,160}\b(?:necessity|whether|options|"
                          r"legislative proposal)\b|\blegislative proposal\b", re.I)),
    ("supervision", re.compile(r"\bsupervis", re.I)),
    ("reporting", re.compile(r"\breporting requirements?\b|\bduplication\b", re.I)),
]
DEFINITION_RE = re.compile(r"^[‘“'\"]?[\w ,’'-]{2,60}[’”'\"]? means\b|\bmeans any of the following\b")
QUOTED_TERM_RE = re.compile(r"[‘“]([^’”]{3,60})[’”]")
SENTENCE_RE = re.compile(r"[^.;:]*?(?:[.;:](?=\s|$)|$)")
ROLE_ORDER = ("scope", "limit", "supervision", "reporting", "review", "duty", "mention")
TELLING_ROLES = ROLE_ORDER[:5]
# the labels a removed sub-provision leaves behind ("(a)", "(iii)", "2."), alone on their line
BARE_LABEL_RE = re.compile(r"^[ \t]*(?:\(\w{1,5}\)|\d+[a-z]?\.)[ \t]*$", re.M)
# EU style "Article 3(1), point (a)(iii)" (also printed "Article 3(1)point (a)(iii)"), which the
# obligation extractor's reference resolver reads only as far as "Article 3(1)"
EU_POINT_RE = re.compile(r"\b[Aa]rticle\s+(\d+[a-z]?)((?:\s*\(\w{1,4}\))*)\s*,?\s*points?\s*((?:\(\w{1,5}\))+)")


@lru_cache(maxsize=1)
def financial_terms() -> re.Pattern:
    forms = {f for a in registry() if a.kind == "financial_institution" for f in a.forms if len(f) > 4}
    terms = sorted(set(FIXED_TERMS) | forms, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")s?\b", re.I)


@dataclass
class ReachItem:
    role: str
    provision: str
    citation: str
    sentence: str
    explained_by: list[dict] = field(default_factory=list)  # recitals: provision, citation, sentence
    refers_to: str | None = None  # the scope provision a sentence cites instead of naming the sector

    def as_dict(self) -> dict:
        return asdict(self)


def _own_texts(rows: list[dict]) -> dict[str, str]:
    """A provision's own words: its text without the text of the provisions one level below it."""
    children: dict[str, list[str]] = {}
    for row in rows:
        parent = row["id"].rsplit("/", 1)[0]
        children.setdefault(parent, []).append(row["text"])
    own = {}
    for row in rows:
        text = row["text"]
        for child in children.get(row["id"], []):
            text = text.replace(child, " ")
        own[row["id"]] = BARE_LABEL_RE.sub("", text) if row["id"] in children else text
    return own


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.findall(" ".join(text.split())) if s.strip()]


def _role(sentence: str, is_definition: bool) -> str:
    if is_definition:
        return "scope"
    for role, cue in ROLE_CUES:
        if cue.search(sentence):
            return role
    return "mention"


def financial_reach(instrument_id: str) -> dict:
    """The financial-sector items of one instrument (see the module docstring), and the norms on
    companies that bind financial undertakings when the instrument defines them as companies."""
    from kg.store import read

    rows = read.provisions(instrument_id)
    own = _own_texts(rows)
    citations = {r["id"]: r["citation"] for r in rows}
    terms = financial_terms()
    normative = {o["provision"]: o for o in read.obligations(instrument_id=instrument_id, normative_only=True)}
    items: list[ReachItem] = []
    explaining: list[tuple[str, str, set[str]]] = []  # recital id, sentence, quoted terms
    unnamed: list[tuple[dict, str]] = []  # sentences that do not name the sector: read again below
    for row in rows:
        pid = row["id"]
        is_recital = row["unit_type"] == "Recital"
        for sentence in _sentences(own[pid]):
            if not terms.search(sentence):
                if not is_recital:
                    unnamed.append((row, sentence))
                continue
            if is_recital:
                explaining.append((pid, sentence, set(QUOTED_TERM_RE.findall(sentence))))
                continue
            items.append(_item(row, sentence, own, citations, normative))
    scope = {i.provision for i in items if i.role == "scope"}
    known = set(citations)
    for row, sentence in unnamed:
        cited = _scope_cited(sentence, row["id"], known, scope)
        if cited:
            items.append(_item(row, sentence, own, citations, normative, refers_to=cited))
    items += _defined_terms_explained(rows, own, citations, explaining, items)
    items = _once_per_role(items)
    for item in items:
        item.explained_by = [{"provision": rid, "citation": citations[rid], "sentence": s}
                             for rid, s, quoted in explaining if _explains(quoted, item, own)]
    order = {r["id"]: n for n, r in enumerate(rows)}
    items.sort(key=lambda i: (ROLE_ORDER.index(i.role), order.get(i.provision, 0)))
    as_companies = any(_defines_a_business(pid, own) for pid in scope)
    return {"instrument": instrument_id, "items": [i.as_dict() for i in items],
            "company_norms": _company_norms(instrument_id, citations) if as_companies else None,
            "recitals": [{"provision": rid, "citation": citations[rid], "sentence": s} for rid, s, _ in explaining]}


def _item(row: dict, sentence: str, own: dict[str, str], citations: dict[str, str], normative: dict,
          refers_to: str | None = None) -> ReachItem:
    pid = row["id"]
    definition = not refers_to and (bool(DEFINITION_RE.search(own[pid].strip())) or (
        row["unit_type"] in ("Point", "Subpoint") and _parent_defines(pid, own)))
    role = _role(sentence, definition)
    if role == "mention" and pid in normative:
        role = "duty"
    return ReachItem(role, pid, citations[pid], sentence, refers_to=refers_to)


def _scope_cited(sentence: str, pid: str, known: set[str], scope: set[str]) -> str | None:
    """The scope provision (or the one holding it) that a sentence cites, if any."""
    cited = set(resolve_references(sentence, pid, known))
    instrument = pid.split("/")[0]
    for m in EU_POINT_RE.finditer(sentence):
        if ELSEWHERE_RE.match(sentence[m.end():m.end() + 80]):
            continue  # "Article 4(1), point (1), of Regulation …" is another act's
        parts = [m.group(1)] + re.findall(r"\((\w+)\)", m.group(2) + m.group(3))
        cited.add(f"{instrument}/art" + "/".join(p.lower() for p in parts))
    for target in sorted(cited):
        for provision in scope:
            if target == provision or target.startswith(provision + "/"):
                return provision
    return None


@lru_cache(maxsize=1)
def _business_forms() -> frozenset[str]:
    return frozenset(f for a in registry() if a.kind == "business" for f in a.forms)


def _defines_a_business(pid: str, own: dict[str, str]) -> bool:
    """Whether the definition holding a scope provision defines a kind of business (‘company’
    means … a regulated financial undertaking), not a financial undertaking itself (‘credit
    institution’ means …): only then do the norms on companies bind financial undertakings."""
    current = pid
    while current.count("/") >= 1 and current in own:
        term = re.match(r"^\s*[‘“'\"]([^’”'\"]{2,60})[’”'\"] means\b", own[current])
        if term:
            defined = term.group(1).lower()
            return defined in _business_forms() or defined.removesuffix("s") in _business_forms()
        current = current.rsplit("/", 1)[0]
    return False


def _once_per_role(items: list[ReachItem]) -> list[ReachItem]:
    """One item per provision and role (its first sentence); a provision with a telling role is
    not listed again as a duty or a mention (Art. 36(1)'s second sentence belongs to its review)."""
    telling = {i.provision for i in items if i.role in TELLING_ROLES}
    seen: set[tuple[str, str]] = set()
    out = []
    for item in items:
        key = (item.provision, item.role)
        if key in seen or (item.role not in TELLING_ROLES and item.provision in telling):
            continue
        seen.add(key)
        out.append(item)
    return out


def _parent_defines(pid: str, own: dict[str, str]) -> bool:
    parent = pid.rsplit("/", 1)[0]
    while parent.count("/") >= 1 and parent in own:
        if DEFINITION_RE.search(own[parent].strip()):
            return True
        parent = parent.rsplit("/", 1)[0]
    return False


def _defined_terms_explained(rows, own, citations, explaining, items) -> list[ReachItem]:
    """Definitions that recitals on the financial sector explain by their quoted term, although the
    definition itself names no financial undertaking (the CSDDD's 'chain of activities')."""
    known = {i.provision for i in items}
    added = []
    for rid, sentence, quoted in explaining:
        for term in quoted:
            for row in rows:
                text = own[row["id"]].strip()
                if row["id"] in known or row["unit_type"] == "Recital":
                    continue
                if re.match(rf"^[‘“]{re.escape(term)}[’”] means\b", text):
                    role = "limit" if ROLE_CUES[0][1].search(sentence) else "scope"
                    added.append(ReachItem(role, row["id"], citations[row["id"]], _definition_quote(row, text)))
                    known.add(row["id"])
    return added


def _definition_quote(row: dict, own_text: str) -> str:
    """The definition's first sentence; all of it, with its points, when its own words are only a
    lead-in ("‘chain of activities’ means:"): the limits are in the points."""
    sentences = _sentences(own_text)
    first = sentences[0] if sentences else own_text[:300]
    return " ".join(row["text"].split()) if first.endswith(":") else first


def _explains(quoted: set[str], item: ReachItem, own: dict[str, str]) -> bool:
    text = own.get(item.provision, "")
    return any(f"‘{t}’" in text or f"“{t}”" in text for t in quoted)


def _company_norms(instrument_id: str, citations: dict[str, str]) -> dict:
    """Binding duties of companies, borne by them or imposed on them by the State ("Member States
    shall ensure that companies …"): they bind financial undertakings too where the instrument
    counts them among companies. (Another authority's duty towards companies, such as guidelines the
    Commission issues for them, is not a duty of theirs.)"""
    from kg.store import read

    norms = [o for o in read.obligations(instrument_id=instrument_id, normative_only=True)
             if o["modality"] in DUTIES and o["strength"] == "binding"
             and (o["actor_kind"] == "business"
                  or (o["actor_kind"] == "state" and o.get("regulated_party_kind") == "business"))]
    tops = Counter("/".join(o["provision"].split("/")[:2]) for o in norms)
    return {"count": len(norms),
            "articles": [{"provision": top, "citation": citations.get(top, top), "norms": n}
                         for top, n in sorted(tops.items(), key=lambda kv: _numeric(kv[0]))]}


def _numeric(pid: str) -> tuple:
    unit = pid.split("/")[1]
    digits = re.search(r"\d+", unit)
    return (unit.rstrip("0123456789abcdefghijklmnopqrstuvwxyz") or unit[:3], int(digits.group(0)) if digits else 0)
