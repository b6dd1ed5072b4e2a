"""The arrows between the apps point one way: newsroom (site-wide pieces) knows no feature
app, sources knows nothing of briefings, and only the snapshot module reads what a revision
stores."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules(package: str):
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def imported(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_newsroom_imports_no_feature_app():
    for path, tree in modules("newsroom"):
        assert not imported(tree) & {"briefings", "sources"}, path


def test_sources_knows_nothing_of_briefings():
    for path, tree in modules("sources"):
        assert "briefings" not in imported(tree), path
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
        assert not [s for s in strings if isinstance(s, str) and "briefings:" in s], path


def test_only_the_snapshot_module_reads_a_revisions_stored_data():
    for path, tree in modules("briefings"):
        if path.name == "snapshot.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "data":
                owner = ast.unparse(node.value)
                assert "revision" not in owner.lower(), f"{path}: {ast.unparse(node)}"


def test_every_transactional_test_restores_the_database_it_found():
    """A test with ``transaction=True`` ends by emptying the tables, after which Django
    recreates content types and permissions; a later test with ``serialized_rollback=True``
    then loads them again and fails on a duplicate (it took 61 tests down once). So every
    transactional test here asks for ``serialized_rollback=True`` too."""
    tests = Path(__file__).parent
    markers = re.compile(r"django_db\(([^)]*)\)")
    offenders = [
        f"{path.relative_to(tests)}: {marker.group(0)}"
        for path in tests.rglob("*.py")
        for marker in markers.finditer(path.read_text())
        if "transaction=True" in marker.group(1)
        and "serialized_rollback=True" not in marker.group(1)
    ]
    assert offenders == []
