"""Error codes are a contract: one meaning each, every one in the catalogue (kg/errors.py) and
documented in the README, and every one arrives whole from the SPARQL query worker.

Regressions: ImportExistsError and UserFileError were given E030 and E031, the codes of
UnknownProvisionError and UnknownJurisdictionError, so an error rebuilt from its code in another
process could come back as the wrong one; and eight raises carried no code at all (E000), while a
class defined in a module the parent process had not imported came back from the worker as E000."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys

import pytest

import ingest
import kg
from kg.errors import CATALOGUE, PCGError, from_code
from kg.sparql.read_only import CheckedQuery
from kg.sparql.worker import Worker
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


def test_each_code_has_one_meaning_is_catalogued_and_is_documented():
    by_code: dict[str, list[str]] = {}
    for kind in every_error_class():
        by_code.setdefault(kind.code, []).append(f"{kind.__module__}.{kind.__name__}")
    shared = {code: names for code, names in by_code.items() if len(names) > 1}
    assert not shared, shared
    assert {code: kind.__name__ for code, kind in CATALOGUE.items()} == \
        {code: names[0].rpartition(".")[2] for code, names in by_code.items()}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (E\d{3}) \|", readme, flags=re.M))
    assert documented == set(by_code), (set(by_code) - documented, documented - set(by_code))


def test_kg_errors_are_defined_in_the_catalogue():
    """A kg error class lives in kg/errors.py (ingest's own in ingest/errors.py), nowhere else."""
    elsewhere = [f"{k.__module__}.{k.__name__}" for k in every_error_class()
                 if k.__module__ not in ("kg.errors", "ingest.errors")]
    assert elsewhere == []


def test_every_raise_has_a_code():
    """No ``raise PCGError(…)``: the base class has no code of its own (E000)."""
    bare = []
    for package in ("kg", "ingest", "ui"):
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                        and getattr(node.exc.func, "id", None) == "PCGError":
                    bare.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert bare == []


def test_an_error_rebuilt_from_its_code_is_the_same_kind():
    for code, kind in CATALOGUE.items():
        rebuilt = from_code(code, "a message", path="query.rq", line=3)
        assert type(rebuilt) is kind and str(rebuilt) == f"[{code}] query.rq:3: a message"
    assert type(from_code("E999", "a message")) is PCGError


# The query worker's own loop (kg.sparql.worker.worker_main), with the query run replaced by one that
# raises the error whose code the query text names, and no store to load.
RAISING_WORKER = """
from kg import errors
from kg.sparql import worker

def raise_named(store, text, *args, **kwargs):
    raise errors.CATALOGUE[text](f"raised in the worker as {text}", path="query.rq", line=7)

worker.execute = raise_named
worker.memory_copy = lambda build_root: None
worker.worker_main()
"""


class RaisingWorker(Worker):
    command = (sys.executable, "-c", RAISING_WORKER)


@pytest.fixture()
def raising_worker():
    worker = RaisingWorker()
    yield worker
    worker.stop()


def test_every_error_raised_in_the_query_worker_arrives_whole(raising_worker):
    """Raised in the child process, each error reaches the parent as its own class, with its code,
    message and place."""
    for code, kind in CATALOGUE.items():
        with pytest.raises(PCGError) as caught:
            raising_worker.run("no-build", CheckedQuery(code, "select"), None, timeout=60)
        assert type(caught.value) is kind
        assert str(caught.value) == f"[{code}] query.rq:7: raised in the worker as {code}"
