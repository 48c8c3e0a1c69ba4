"""analysis/ stays pure: only the standard library, NumPy, SciPy and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ANALYSIS = Path(__file__).resolve().parents[2] / "analysis"
FORBIDDEN = {"flask", "sqlalchemy", "survey_app", "flask_wtf", "flask_babel", "alembic"}
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "analysis"}


def imported_roots(source: str, filename: str = "<string>") -> set[str]:
    """Top-level names of every absolute import in ``source`` (anywhere, not just at the top)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            roots.add(node.args[0].value.split(".")[0])
    return roots


def test_checker_sees_every_import_form() -> None:
    src = (
        "import flask\n"
        "from sqlalchemy.orm import Session\n"
        "def f():\n    import survey_app.models\n"
        "importlib.import_module('flask_wtf')\n"
        "from . import index\n"
    )
    assert imported_roots(src) == {"flask", "sqlalchemy", "survey_app", "flask_wtf"}


FILES = sorted(ANALYSIS.rglob("*.py"))


def test_there_is_something_to_check() -> None:
    assert {p.name for p in FILES} >= {"__init__.py", "index.py", "sampling.py"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ANALYSIS)))
def test_no_app_or_database_imports(path: Path) -> None:
    roots = imported_roots(path.read_text(encoding="utf-8"), str(path))
    assert not roots & FORBIDDEN, f"{path.name} imports {sorted(roots & FORBIDDEN)}"
    unexpected = roots - set(sys.stdlib_module_names) - ALLOWED_THIRD_PARTY
    assert not unexpected, f"{path.name} imports {sorted(unexpected)}: only stdlib, numpy, scipy"
