"""The defined terms of the corpus, read from the provisions' own words: "‘obliged entity’ means …",
the run-in lists of Commonwealth acts ("In this Act: … consolidated revenue, of an entity, means: …"),
"the term “forced or compulsory labour” shall mean …", "Property is criminal property if …",
"(‘indirect business partner’)", "to be known as the Modern Slavery Statements Register", and
sections headed "Meaning of …".

The patterns are the drafting forms of definitions in English legislation, not rules for any one
instrument: a new text written the same way has its terms found without a change here. Read from
the graph's provisions once per build (about a second), so the definitions need no build stage of
their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.caching import loaded_once
from kg.store import builds, read

QUOTES_OPEN = "‘'\"“"
QUOTES_CLOSE = "’'\"”"
# "means", "shall mean", "includes", "refers to", "has the (same) meaning (given) …", "is defined …"
DEFINING_VERB = (r"(?:shall\s+)?(?:means?|mean|includes?|include|refers?\s+to|has\s+the\s+(?:same\s+)?meaning"
                 r"|have\s+the\s+(?:same\s+)?meaning|is\s+defined|are\s+defined|is|are)\b")
# A definition may open with the scope it applies to: "For the purposes of this Convention the term …",
# "In this section, …"; the label of its point ("(28)", "1.", "(a)") is dropped first.
LABEL = re.compile(r"^\s*(?:\(\s*[0-9a-zA-Z]{1,6}\s*\)|[0-9]{1,3}[A-Z]?\.|[a-z]\))\s*")
SCOPE_OPENING = r"(?:(?:for\s+the\s+purposes?\s+of|in)\s+[^“‘\"'\n]{0,90}?(?:[,:—–-]\s*|\s+))?"
QUOTED = re.compile(
    rf"^{SCOPE_OPENING}(?:(?i:an?|the)\s+)?(?:the\s+(?:term|expression|words?)\s+)?"
    rf"[{QUOTES_OPEN}](?P<term>[^{QUOTES_CLOSE}\n]{{1,90}}?)[{QUOTES_CLOSE}]\s*"
    rf"(?:\([^)]{{0,80}}\)\s*)?(?:,\s*[^,\n]{{1,60}},\s*)?{DEFINING_VERB}", re.IGNORECASE)
# Run-in lists print the term bare at the start of its line: "accounting standards has the same
# meaning as …", "consolidated revenue, of an entity, means:", "sensitive information: information is …"
RUN_IN = re.compile(
    r"^(?P<term>[A-Za-z][\w’'/\- ]{1,70}?)(?:,\s[^,\n]{1,70},)?\s+"
    r"(?:means|has\s+the\s+(?:same\s+)?meaning|includes|:\s*see\b)", re.IGNORECASE)
RUN_IN_COLON = re.compile(r"^(?P<term>[a-z][\w’'/\- ]{1,60}?):\s+\S")
# "A position of vulnerability means …": a term with its article, outside any list
ARTICLE_MEANS = re.compile(r"^(?i:an?|the)\s+(?P<term>[a-z][\w’'/\- ]{2,60}?)\s+(?:shall\s+)?means?\b")
# "Property is criminal property if …", "An entity is a reporting entity for a reporting year if …"
IS_TERM_IF = re.compile(r"^(?:(?i:an?|the)\s+)?(?P<subject>[\w’'\-]+(?:\s+[\w’'\-]+){0,2})\s+(?:is|are)\s+"
                        r"(?P<article>an?\s+)?(?P<term>[a-z][\w’'\-]*(?:\s+[\w’'\-]+){0,3}?)\s+"
                        r"(?:(?:for|of|in|at)\s+[^,\n]{1,60}?\s+)?if\b")
# "A relevant professional adviser is an accountant …": a term of two words or more, with its article
ARTICLE_IS = re.compile(r"^(?i:an?|the)\s+(?P<term>[a-z][\w’'\-]*(?:\s+[a-z][\w’'\-]*){1,3})\s+(?:is|are)\s+"
                        r"(?i:an?|the|any)\s+")
# "Exploitation shall include, as a minimum, …": a bare capitalised term that "shall mean/include"
BARE_SHALL = re.compile(r"^(?P<term>[A-Z][a-z]+(?:\s+[a-z]+){0,3})\s+shall\s+(?:mean|include)\b")
# in a definitions list ("the following definitions are agreed upon: 1. Slavery is the status …")
LISTED_IS = re.compile(r"^(?:(?i:an?|the)\s+)?(?P<term>[A-Za-z][\w’'\-]*(?:\s+[\w’'\-]+){0,5}?)\s+"
                       r"(?:is|are|includes?|shall\s+(?:mean|include))\s+")
NAMED_AS = re.compile(
    rf"\((?:hereinafter\s+(?:referred\s+to\s+as\s+)?|referred\s+to\s+as\s+)?(?:the\s+)?[{QUOTES_OPEN}]"
    rf"(?P<term>[^{QUOTES_CLOSE}\n]{{2,60}})[{QUOTES_CLOSE}]\)"
    r"|to\s+be\s+known\s+as\s+(?:the\s+)?(?P<known>[A-Z][\w’'\- ]{2,80}?)(?=[.;,]|$)")
# "The following entities shall be considered obliged entities for the purposes of this Regulation:"
DEEMED = re.compile(r"\b(?:shall|is\s+to|are\s+to)\s+be\s+(?:considered|regarded|treated|deemed)\s+(?:as\s+)?"
                    r"(?:(?i:an?|the)\s+)?(?P<term>[a-z][\w’'\-]*(?:\s+[a-z][\w’'\-]*){0,3})\s*"
                    r"(?:for\s+the\s+purposes\b|:)")
HEADING = re.compile(r"^(?:meaning|definition)s?\s+of\s+(?P<term>.+?)\s*$", re.IGNORECASE)
# A provision whose opening says what follows is a list of definitions
DEFINITIONS_CONTEXT = re.compile(
    r"^\s*(?:in\s+this\s+(?:act|part|section|division|chapter|schedule|directive|regulation|protocol|convention)\b"
    r"|.{0,80}\bfollowing\s+definitions\b"
    r"|for\s+the\s+purposes?\s+of\s+(?:this|the\s+present)\b.{0,80}(?:definitions|:|—|-)\s*$)",
    re.IGNORECASE | re.MULTILINE)
POINTER = re.compile(r":\s*see\s+(?:section|article)", re.IGNORECASE)
DEFINITIONS_HEADING = re.compile(r"definition|interpretation|meaning", re.IGNORECASE)
NOT_TERMS = {"person", "provision", "paragraph", "subsection", "section", "article", "following"}
# A defined term is a noun phrase: words that open a clause or a cross-reference, or a verb inside,
# mean the pattern caught a sentence instead
NOT_OPENING = re.compile(r"^(?:this|that|these|those|it|its|they|such|which|there|he|she|his|her|each|every|any|all|if|"
                         r"where|when|for|in|references?|subject|without|nothing|no)\b", re.IGNORECASE)
NOT_INSIDE = re.compile(r"\b(?:is|are|was|were|be|shall|must|may|means?|who|which|that|if|commits?|has|have)\b",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Definition:
    term: str
    text: str  # the definition as written (its item of a list, or its point)
    provision: str
    citation: str
    instrument: str
    heading: str | None = None


def _clean_term(term: str) -> str | None:
    term = re.sub(r"\s+", " ", term).strip(" ,;:—–-" + QUOTES_OPEN + QUOTES_CLOSE)
    term = re.sub(r"^(?i:an?|the)\s+", "", term, flags=re.IGNORECASE)
    words = term.split()
    if not words or len(words) > 10 or term.lower() in NOT_TERMS or not re.search(r"[A-Za-z]", term) \
            or NOT_OPENING.match(term) or NOT_INSIDE.search(term):
        return None
    return term


def _names_a_term(match: re.Match) -> bool:
    """"Property is criminal property if" names a term; "property is obtained by a person if" and
    "a person who is a nominated officer … if" describe a state or a person."""
    if re.search(r"\b(?:who|which|that)\b", match.group("subject"), re.IGNORECASE):
        return False
    return bool(match.group("article")) or not re.match(r"\w+(?:ed|ing)\b", match.group("term"))


def terms_in(item: str, listed: bool) -> list[str]:
    """The terms an item of text defines (``listed``: it stands in a list of definitions)."""
    text = LABEL.sub("", item.strip(), count=1)
    found = []
    for pattern in (QUOTED, ARTICLE_MEANS, IS_TERM_IF, ARTICLE_IS, BARE_SHALL) + (
            (RUN_IN, RUN_IN_COLON, LISTED_IS) if listed else ()):
        match = pattern.match(text)
        if match is None or (pattern is IS_TERM_IF and not _names_a_term(match)):
            continue
        found.append(match.group("term"))
        break
    for match in NAMED_AS.finditer(text):
        found.append(match.group("term") or match.group("known"))
    found += [match.group("term") for match in DEEMED.finditer(text)]
    return [t for t in (_clean_term(t) for t in found) if t]


def _items(text: str) -> list[str]:
    """A provision's text cut where a new definition may start: at line breaks, keeping the lines
    that continue an item (its points, its closing words) with it."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    items: list[str] = []
    for line in lines:
        continues = bool(re.match(r"^\(\s*[a-z0-9]{1,4}\s*\)|^(?:and|or|but|worked out|as|where|in)\b", line)) and items
        if continues:
            items[-1] += "\n" + line
        else:
            items.append(line)
    return items


def _ancestors(provision: str) -> list[str]:
    parts = provision.split("/")
    return ["/".join(parts[:n]) for n in range(2, len(parts))]


def definitions_in(rows: list[dict]) -> list[Definition]:
    """The definitions in one instrument's provisions (rows of kg.store.read.provisions, in order)."""
    by_id = {row["id"]: row for row in rows}
    found: dict[str, Definition] = {}

    def add(term: str, text: str, row: dict, heading: str | None) -> None:
        known = found.get(term.lower())
        # the most specific provision wins (a point over the paragraph that lists it), and a
        # pointer ("reporting entity: see section 5") gives way to the definition it points to
        if known is None or row["id"].count("/") > known.provision.count("/") or (
                POINTER.search(known.text) and not POINTER.search(text)):
            found[term.lower()] = Definition(term, text.strip(), row["id"], row["citation"],
                                             row["id"].split("/")[0], heading)

    opens_list = {row["id"]: bool(DEFINITIONS_CONTEXT.search(row["text"][:200])) for row in rows}
    for row in rows:
        family = [by_id[a] for a in _ancestors(row["id"]) if a in by_id] + [row]
        heading = next((r["heading"] for r in family if r.get("heading")), None)
        listed = bool(heading and DEFINITIONS_HEADING.search(heading)) or any(opens_list[r["id"]] for r in family)
        if row.get("heading"):
            match = HEADING.match(row["heading"])
            if match and _clean_term(match.group("term")):
                add(_clean_term(match.group("term")), row["text"], row, heading)
        for item in _items(row["text"]):
            for term in terms_in(item, listed):
                add(term, item, row, heading)
    return list(found.values())


def definitions() -> tuple[Definition, ...]:
    """Every definition the graph's provisions hold, read once per build."""
    return _definitions(builds.require_current_build().root.name)


@loaded_once(maxsize=2)
def _definitions(build_id: str) -> tuple[Definition, ...]:
    return tuple(d for instrument in read.instruments() for d in definitions_in(read.provisions(instrument["id"])))
