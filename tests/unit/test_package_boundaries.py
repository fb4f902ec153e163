"""Packages depend one way (DESIGN.md, issue 13): nothing below the authority imports it — the enterprise side
(exchange/, certificates/, printing/ …) reaches the authority only through what the authority registers at app
start (the embedded gateway's desk, 首页's to-do provider). Only the app factory (app/__init__.py), the command
line (app/cli.py: 发送方登记, the demo's sender), both above every package, and the authority itself name it. Read from the source, so a lazy import inside a function counts too."""
import ast
import pathlib

APP = pathlib.Path(__file__).resolve().parents[2] / "app"
MAY_NAME_THE_AUTHORITY = {APP / "__init__.py", APP / "cli.py"}


def _imports(path: pathlib.Path) -> set[str]:
    """The modules a file imports, absolute (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_the_resolver_sees_relative_and_absolute_imports(tmp_path):
    inside = APP / "authority" / "views.py"  # `from . import bp, review` and `from .models import Declaration`
    assert {"app.authority", "app.authority.review", "app.authority.models"} <= _imports(inside)


def test_nothing_below_the_authority_imports_it():
    offenders = {}
    for path in APP.rglob("*.py"):
        if path.is_relative_to(APP / "authority") or path in MAY_NAME_THE_AUTHORITY:
            continue
        named = sorted(m for m in _imports(path) if m == "app.authority" or m.startswith("app.authority."))
        if named:
            offenders[str(path.relative_to(APP.parent))] = named
    assert offenders == {}
