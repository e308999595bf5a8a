"""Error codes are a contract: one meaning each, and every one documented in the README.

Regression: ImportExistsError and UserFileError were given E030 and E031, the codes of
UnknownProvisionError and UnknownJurisdictionError, so an error rebuilt from its code in another
process (``PCGError.from_code``) could come back as the wrong one."""

from __future__ import annotations

import importlib
import pkgutil
import re

import ingest
import kg
from ingest.errors import PCGError
from tests.conftest import REPO


def every_error_class() -> list[type[PCGError]]:
    for package in (ingest, kg):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not module.name.endswith("__main__"):
                importlib.import_module(module.name)
    found, pending = [], [PCGError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return [k for k in found if k is not PCGError]


def test_each_code_has_one_meaning_and_is_documented():
    by_code: dict[str, list[str]] = {}
    for kind in every_error_class():
        by_code.setdefault(kind.code, []).append(f"{kind.__module__}.{kind.__name__}")
    shared = {code: names for code, names in by_code.items() if len(names) > 1}
    assert not shared, shared
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (E\d{3}) \|", readme, flags=re.M))
    assert documented == set(by_code), (set(by_code) - documented, documented - set(by_code))


def test_an_error_rebuilt_from_its_code_is_the_same_kind():
    for kind in every_error_class():
        rebuilt = PCGError.from_code(kind.code, "a message")
        assert type(rebuilt) is kind and str(rebuilt) == f"[{kind.code}] a message"
