"""Cross-references in a sentence ("section 54(4)", "article 5 of this Protocol", "subsection (2)",
"paragraph 1 of this article") resolved to provision ids of the same instrument."""

from __future__ import annotations

import re

NUMBER_LIST = r"(\d+[A-Za-z]{0,3}(?:\(\w{1,4}\))*(?:\s*(?:,|and|or|to)\s*\d+[A-Za-z]{0,3}(?:\(\w{1,4}\))*)*)"
SECTION_RE = re.compile(rf"\b(?:[Ss]ections?|ss?\.)\s+{NUMBER_LIST}")
ARTICLE_RE = re.compile(rf"\b[Aa]rticles?\s+{NUMBER_LIST}")
# what follows a reference to another instrument: "of the Proceeds of Crime Act 2002", ", point (1), of Regulation …"
ELSEWHERE_RE = re.compile(r"^,?\s*(?:points?\s*\(\w+\)(?:\s*(?:,|and|or)\s*\(\w+\))*,?\s*)?"
                          r"(?:first|second|third)?\s*(?:sub)?(?:paragraph)?\s*,?\s*of\s+(?!this\b)")
SUBSECTION_RE = re.compile(r"\bsub-?sections?\s+((?:\(\w{1,4}\))+(?:\s*(?:,|and|or|to)\s*(?:\(\w{1,4}\))+)*)")
PARAGRAPH_RE = re.compile(r"\bparagraphs?\s+(\d+[a-z]?(?:\s*(?:,|and|or|to)\s*\d+[a-z]?)*)(?:\s+of\s+this\s+[Aa]rticle)?")
SCHEDULE_RE = re.compile(r"\bSchedule\s+(\d+[A-Z]?)\b")


def _split(numbers: str) -> list[str]:
    return [p for p in re.split(r"\s*(?:,|and|or|to)\s*", numbers) if p]


def _to_path(reference: str) -> str:
    """'54(4)(a)' → '54/4/a'."""
    head = re.match(r"\d+[A-Za-z]{0,3}", reference).group(0).lower()
    parts = re.findall(r"\((\w{1,4})\)", reference)
    return "/".join([head] + [p.lower() for p in parts])


def resolve_references(text: str, provision_id: str, known: set[str]) -> list[str]:
    instrument, *path = provision_id.split("/")
    top = path[0] if path else ""
    found: list[str] = []

    def add(candidate: str) -> None:
        while candidate and candidate not in known and "/" in candidate.split("/", 1)[1]:
            candidate = candidate.rsplit("/", 1)[0]  # cite the nearest unit we have
        if candidate in known and candidate not in found and candidate != provision_id:
            found.append(candidate)

    for regex, unit in ((SECTION_RE, "s"), (ARTICLE_RE, "art")):
        for m in regex.finditer(text):
            if ELSEWHERE_RE.match(text[m.end() : m.end() + 80]):
                continue
            for ref in _split(m.group(1)):
                add(f"{instrument}/{unit}{_to_path(ref)}")
    if top.startswith("s"):
        for m in SUBSECTION_RE.finditer(text):
            for ref in re.findall(r"((?:\(\w{1,4}\))+)", m.group(1)):
                add(f"{instrument}/{top}/" + "/".join(p.lower() for p in re.findall(r"\((\w{1,4})\)", ref)))
    if top.startswith("art"):
        for m in PARAGRAPH_RE.finditer(text):
            for ref in _split(m.group(1)):
                add(f"{instrument}/{top}/{ref.lower()}")
    for m in SCHEDULE_RE.finditer(text):
        add(f"{instrument}/sch{m.group(1).lower()}")
    return found
