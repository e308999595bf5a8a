"""Jurisdiction codes and their names: one label per code across the whole graph."""

from __future__ import annotations

# ISO 3166-1 alpha-2 codes, plus EU and INT (international instruments).
NAMES = {
    "INT": "International", "EU": "European Union", "GB": "United Kingdom", "AU": "Australia",
    "CA": "Canada", "DE": "Germany", "NO": "Norway", "US": "United States", "FR": "France",
    "NL": "Netherlands", "BE": "Belgium", "AT": "Austria", "CH": "Switzerland", "IE": "Ireland",
    "IT": "Italy", "ES": "Spain", "PT": "Portugal", "SE": "Sweden", "DK": "Denmark", "FI": "Finland",
    "PL": "Poland", "MT": "Malta", "LU": "Luxembourg", "NZ": "New Zealand", "MX": "Mexico",
    "PH": "Philippines", "SG": "Singapore", "TH": "Thailand", "MY": "Malaysia", "ID": "Indonesia",
    "NG": "Nigeria", "ZA": "South Africa", "IN": "India", "JP": "Japan", "BR": "Brazil",
}


# The words by which a question names a jurisdiction: its name, adjective and abbreviations.
# International instruments are named by their kind, not by "international", which questions use
# for cross-border matters of any instrument. A word in capitals matches only in capitals ("US",
# not "us"); jurisdictions not listed are named by their name alone.
MENTIONS = {
    "INT": ("treaty", "treaties", "convention", "conventions", "protocol", "UN", "United Nations"),
    "EU": ("European Union", "EU", "European"),
    "GB": ("United Kingdom", "UK", "U.K.", "Britain", "British", "England", "English law"),
    "AU": ("Australia", "Australian", "Cth"),
    "CA": ("Canada", "Canadian"),
    "DE": ("Germany", "German"),
    "NO": ("Norway", "Norwegian"),
    "US": ("United States", "US", "U.S.", "American"),
    "FR": ("France", "French"),
    "NL": ("Netherlands", "Dutch"),
}


def mentions(code: str) -> tuple[str, ...]:
    """The words by which a question names the jurisdiction ``code``."""
    code = code.upper()
    return MENTIONS.get(code, (label(code),) if code in NAMES else ())


def label(code: str) -> str:
    """The name of a jurisdiction code; unknown codes stand for themselves."""
    return NAMES.get(code.upper(), code.upper())


EU_MEMBER_STATES = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
                              "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})


def applicable_instruments(code: str, instrument_jurisdictions: dict[str, str]) -> list[str]:
    """Instrument ids that apply in a jurisdiction: its own, and EU acts for an EU member state."""
    code = code.upper()
    return sorted(i for i, j in instrument_jurisdictions.items()
                  if j == code or (j == "EU" and code in EU_MEMBER_STATES))
