"""Coordinating bodies, their members and financial-sector partnerships, from cited CSV rows.

Every row carries its evidence (source URL, verbatim quote, year). Rows are validated one by
one: a bad row is reported with its row number and field, and the good rows are kept.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "coordination_data"
BODIES_FILE, PARTNERSHIPS_FILE = "bodies.csv", "partnerships.csv"  # the shipped files in DATA_DIR
BODY_FIELDS = ("body_id", "body_name", "level", "jurisdiction", "member_name", "member_kind", "is_member",
               "source_url", "source_quote", "as_of")
ROLES = {"yes": "member", "member": "member", "observer": "observer", "partner": "partner"}
# The CSV's member kinds (as coded by the data's curator) → the SKOS actor kinds of the ontology.
KIND_MAP = {
    "financial_regulator": "financial_regulator", "fiu": "fiu", "central_bank": "central_bank",
    "finance_ministry": "finance_ministry", "law_enforcement": "law_enforcement", "prosecution": "prosecution",
    "judiciary": "judiciary", "labour_inspection": "labour_inspection", "customs": "customs",
    "business": "business", "private_sector": "business", "financial_institution": "financial_institution",
    "civil_society": "civil_society", "survivor_org": "survivor_organisation",
    "survivor_organisation": "survivor_organisation", "trade_union": "trade_union",
    "international_org": "international_organisation", "international_organisation": "international_organisation",
    "state": "state", "government_agency": "government_agency", "labour": "government_agency",
    "foreign_affairs": "government_agency", "social_services": "government_agency",
    "immigration": "government_agency", "health": "government_agency", "education": "government_agency",
    "other": "government_agency",
}
FINANCIAL_KINDS = ("financial_regulator", "fiu", "central_bank", "finance_ministry")
LEVELS = ("national", "regional", "international", "subnational")


@dataclass(frozen=True)
class Membership:
    row: int
    body_id: str
    body_name: str
    level: str
    jurisdiction: str
    member_name: str
    member_kind: str  # SKOS actor kind notation
    member_kind_as_coded: str  # the CSV's own code
    role: str  # member, observer, partner
    source_url: str
    source_quote: str
    year: int | None  # None for undated sources ("n.d.")

    @property
    def financial(self) -> bool:
        return self.member_kind in FINANCIAL_KINDS


@dataclass
class RowError:
    row: int  # 1-based line number in the file (the header is line 1)
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass
class LoadResult:
    memberships: list[Membership] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    good_rows: list[dict] = field(default_factory=list)  # each good membership's fields as written in the file


def rows_with_lines(text: str):
    """(line, row) for each record of CSV ``text``: ``line`` is the file line where the record
    starts (the header is line 1), counting blank lines and fields that span lines."""
    reader = csv.DictReader(io.StringIO(text))
    for raw in reader:
        spanned = sum((v or "").count("\n") for v in raw.values() if isinstance(v, str))
        yield reader.line_num - spanned, raw


def delimiter_problem(text: str) -> str | None:
    """Why the header does not read as comma-separated (a semicolon-separated export), or None."""
    header = text.split("\n", 1)[0]
    if "," not in header and ";" in header:
        return ("the file is separated by semicolons, not commas: save it as 'CSV UTF-8 (comma delimited)' "
                "or replace the semicolons")
    if "," not in header and "\t" in header:
        return "the file is separated by tabs, not commas: save it as 'CSV UTF-8 (comma delimited)'"
    return None


def _year(value: str) -> tuple[int | None, str | None]:
    value = (value or "").strip()
    if value.lower() in ("n.d.", "nd", "undated"):
        return None, None
    if re.fullmatch(r"\d{4}", value) and 1900 <= int(value) <= 2100:
        return int(value), None
    return None, f"'{value}' is not a year (YYYY) or 'n.d.'"


def load_memberships(text: str) -> LoadResult:
    """Validate and load membership rows from CSV text in the bodies.csv schema."""
    result = LoadResult()
    separator = delimiter_problem(text)
    if separator:
        result.errors.append(RowError(1, "header", separator))
        return result
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in BODY_FIELDS if f not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(RowError(1, ", ".join(missing), "column(s) missing from the header"))
        return result
    seen: set[tuple] = set()
    for line, raw in rows_with_lines(text):
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        problems = []
        for name in ("body_id", "body_name"):
            if not row.get(name):
                problems.append(RowError(line, name, "missing body"))
        if not row.get("member_name"):
            problems.append(RowError(line, "member_name", "missing member"))
        kind = KIND_MAP.get(row.get("member_kind", "").lower())
        if kind is None:
            problems.append(RowError(line, "member_kind", f"unknown kind '{row.get('member_kind')}'; known: "
                                     + ", ".join(sorted(set(KIND_MAP)))))
        role = ROLES.get(row.get("is_member", "").lower())
        if role is None:
            problems.append(RowError(line, "is_member", f"'{row.get('is_member')}' is not yes, observer or partner"))
        year, year_problem = _year(row.get("as_of", ""))
        if year_problem:
            problems.append(RowError(line, "as_of", year_problem))
        if not re.match(r"^https?://", row.get("source_url", "")):
            problems.append(RowError(line, "source_url", "missing or not an http(s) URL"))
        if not row.get("source_quote"):
            problems.append(RowError(line, "source_quote", "missing: every row needs its verbatim evidence"))
        key = tuple(row.get(f, "").lower() for f in ("body_id", "member_name", "is_member", "source_url", "as_of"))
        if not problems and key in seen:
            problems.append(RowError(line, "member_name", "duplicate of an earlier row (same body, member, "
                                     "role, source and year)"))
        if problems:
            result.errors.extend(problems)
            continue
        seen.add(key)
        result.good_rows.append({f: row.get(f, "") for f in BODY_FIELDS})
        result.memberships.append(Membership(
            row=line, body_id=row["body_id"], body_name=row["body_name"], level=row.get("level") or "national",
            jurisdiction=row.get("jurisdiction") or "", member_name=row["member_name"], member_kind=kind,
            member_kind_as_coded=row["member_kind"], role=role, source_url=row["source_url"],
            source_quote=row["source_quote"], year=year,
        ))
    return result


@dataclass(frozen=True)
class Partnership:
    row: int
    name: str
    jurisdiction: str
    kind: str
    participants: tuple[str, ...]
    source_url: str
    source_quote: str


def participant_names(listed: str) -> tuple[str, ...]:
    """The participants of a partnership row's ``participants`` field ("FINTRAC; BMO; …"), in order."""
    return tuple(p.strip() for p in listed.split(";") if p.strip())


def load_partnerships(text: str) -> tuple[list[Partnership], list[RowError]]:
    rows, errors = [], []
    for line, raw in rows_with_lines(text):
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if not row.get("name"):
            errors.append(RowError(line, "name", "missing partnership name"))
            continue
        if not row.get("source_url") or not row.get("source_quote"):
            errors.append(RowError(line, "source_url", "missing evidence (source URL and quote)"))
            continue
        participants = participant_names(row.get("participants", ""))
        rows.append(Partnership(line, row["name"], row.get("jurisdiction", ""), row.get("kind", ""), participants,
                                row["source_url"], row["source_quote"]))
    return rows, errors


def shipped_memberships() -> LoadResult:
    return load_memberships((DATA_DIR / BODIES_FILE).read_text(encoding="utf-8"))


def shipped_partnerships() -> list[Partnership]:
    return load_partnerships((DATA_DIR / PARTNERSHIPS_FILE).read_text(encoding="utf-8"))[0]


def imported_memberships(imports_dir: Path) -> dict[str, LoadResult]:
    """Membership lists users imported (``kg import-bodies``), one per file, by import name."""
    if not imports_dir.exists():
        return {}
    return {path.stem: load_memberships(path.read_text(encoding="utf-8")) for path in sorted(imports_dir.glob("*.csv"))}
