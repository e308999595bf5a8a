"""One organisation under its several names: "Department of the Treasury (Treasury)" and
"Treasury" in two rows of one jurisdiction are one node, in the coordination graph the build writes
(kg.rdf.coordination) and in the gap analysis (kg.analysis.gaps) alike."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=None)
def org_keys(name: str) -> frozenset[str]:
    """Keys under which one organisation is recognised across rows: its name, its acronym."""
    keys = set()
    acronym = re.findall(r"\(([A-Z][A-Za-z.&-]{1,15})\)", name)
    keys.update(a.lower().replace(".", "") for a in acronym)
    bare = re.sub(r"\([^)]*\)", " ", name).lower()
    bare = re.sub(r"\b(the|u\.s\.|us|of)\b", " ", bare)
    bare = re.sub(r"[^a-z0-9]+", " ", bare).strip()
    if bare:
        keys.add(bare)
    if re.fullmatch(r"[A-Z][A-Za-z.&-]{1,15}", name.strip()):
        keys.add(name.strip().lower().replace(".", ""))
    return frozenset(keys)


class OrgIndex:
    """Union of organisation names that share a key within one jurisdiction: one node per
    organisation ("Department of the Treasury (Treasury)" in several US rows is one node, while the
    Dutch and the Canadian "police" stay two)."""

    def __init__(self):
        self.key_to_id: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.seen: dict[tuple[str, str], str] = {}

    def add(self, name: str, jurisdiction: str) -> str:
        if (name, jurisdiction) in self.seen:
            return self.seen[(name, jurisdiction)]
        self.seen[(name, jurisdiction)] = org = self._add(name, jurisdiction)
        return org

    def _add(self, name: str, jurisdiction: str) -> str:
        keys = {f"{jurisdiction.upper()}|{key}" for key in org_keys(name)}
        for key in keys:
            if key in self.key_to_id:
                org = self.key_to_id[key]
                break
        else:
            org = "org:" + (sorted(keys, key=len)[0] if keys else name.lower())
            self.names[org] = name
        for key in keys:
            self.key_to_id.setdefault(key, org)
        return org
