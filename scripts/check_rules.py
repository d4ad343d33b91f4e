"""Project rules that ruff cannot express (CONVENTIONS.md 3.12). Run by `make lint`."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "dinsos",
    "kpm",
    "pendamping",
    "verifikasi",
    "p2k2",
    "dtsen",
    "pengaduan",
    "pemutakhiran",
    "laporan",
    "demo",
)


@dataclass(frozen=True)
class Rule:
    name: str
    files: re.Pattern[str]
    pattern: re.Pattern[str]
    message: str


RULES = (
    Rule(
        "no-orm-in-views",
        re.compile(r"(^|/)views(_\w+)?\.py$|(^|/)views/[^/]+\.py$"),
        re.compile(r"\.objects\."),
        "views read through selectors/access helpers, never Model.objects",
    ),
    Rule(
        "no-catch-all",
        re.compile(r"\.py$"),
        re.compile(r"except\s+(Exception|BaseException)\b|except\s*:"),
        "catch the errors you expect; never Exception",
    ),
    Rule(
        "no-eager-celery",
        re.compile(r"\.py$"),
        re.compile(r"(ALWAYS_EAGER|always_eager)\s*=\s*True"),
        "tests run a real worker; eager mode hides serialization and commit bugs",
    ),
    Rule(
        "no-inline-style-or-handler",
        re.compile(r"\.html$"),
        re.compile(r"\sstyle=|\son[a-z]+=\s*[\"']", re.IGNORECASE),
        "no inline style= or on*= handlers (CSP); use static/<app>/*.css|js",
    ),
    Rule(
        "no-inline-script",
        re.compile(r"\.html$"),
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
        "scripts live in static files (CSP without inline scripts)",
    ),
    Rule(
        "no-cdn",
        re.compile(r"\.(html|css|js)$"),
        re.compile(r"(src|href)=[\"']https?://|@import\s+url\([\"']?https?://"),
        "assets come from packages at install time, never from a CDN",
    ),
    Rule(
        "runpython-has-reverse",
        re.compile(r"/migrations/\d{4}_.*\.py$"),
        re.compile(r"RunPython\((?![^)]*(reverse_code=|,\s*migrations\.RunPython\.noop|,\s*\w+))"),
        "every RunPython has a reverse (noop at least)",
    ),
)


# SQL rules read string literals through the AST (a statement spans many lines, and its
# table names hide between quotes), so they cannot be one-line patterns like RULES above.
SQL_KEYWORD = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH|FROM|WHERE|JOIN|SET|ANALYZE|VACUUM|COPY)\b"
)
POSITIONAL_PARAMETER = re.compile(r"(?<!%)%s")
SQL_POSITIONAL = (
    "sql-named-parameters",
    "multi-line SQL takes named parameters (%(awal)s with a dict), never positional %s",
)
SQL_TABLE = (
    "sql-table-from-meta",
    "take table names from Model._meta.db_table, never a literal {table}",
)


def is_app_code(relative: str) -> bool:
    """Python in a Django app's package (it has an apps.py), migrations excepted."""
    top, _, rest = relative.partition("/")
    return (
        relative.endswith(".py")
        and (ROOT / top / "apps.py").exists()
        and "/migrations/" not in f"/{rest}"
    )


def model_tables(root: Path = ROOT) -> frozenset[str]:
    """Table names of the project's models: `<app>_<model>` or an explicit Meta.db_table."""
    tables: set[str] = set()
    for apps_py in root.glob("*/apps.py"):
        app = apps_py.parent
        for path in [app / "models.py", *(app / "models").glob("*.py")]:
            if not path.exists():
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if not isinstance(node, ast.ClassDef):
                    continue
                bases = [ast.unparse(base) for base in node.bases]
                if any(base.endswith("Choices") for base in bases):
                    continue
                tables.add(f"{app.name}_{node.name.lower()}")
        for path in app.rglob("*.py"):
            tables.update(re.findall(r"db_table\s*=\s*[\"'](\w+)[\"']", path.read_text("utf-8")))
    return frozenset(tables)


def _string_literals(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Yield (first line, text) of every string literal except docstrings.

    An f-string yields its literal parts joined by `{}`, so its placeholders never count
    as SQL text.
    """
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
            yield node.lineno, text
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def sql_problems(source: str, tables: frozenset[str]) -> list[tuple[int, str, str]]:
    """Return (line, rule, message) for each SQL string literal that breaks the SQL rules.

    A string counts as SQL when it has an upper-case SQL keyword.
    """
    table = re.compile(r"\b(" + "|".join(sorted(tables, key=len, reverse=True)) + r")\b")
    problems = []
    for start, text in _string_literals(ast.parse(source)):
        if not SQL_KEYWORD.search(text):
            continue
        is_multi_line = "\n" in text.strip()
        for offset, line in enumerate(text.splitlines()):
            if is_multi_line and POSITIONAL_PARAMETER.search(line):
                problems.append((start + offset, *SQL_POSITIONAL))
            if tables and (found := table.search(line)):
                message = SQL_TABLE[1].format(table=found.group(1))
                problems.append((start + offset, SQL_TABLE[0], message))
    return sorted(problems)


# --- Layout (README "Layout"): one rule for every app ------------------------------------
# The layers every app may have. A layer is a module, or a package of modules once it passes
# LAYER_MAX_LINES (`views/rekonsiliasi.py`, never `views_rekonsiliasi.py`).
LAYERS = (
    "models", "services", "selectors", "access", "views", "forms", "tasks",
    "importers", "exporters",
)  # fmt: skip
# Modules every Django app has that are not layers of ours.
APP_MODULES = {"__init__", "apps", "urls", "admin", "resources", "lock_objects", "conftest"}
LAYER_MAX_LINES = 450  # "about 400 lines" (CONVENTIONS 3.1), with room for one more function
# A module named for a domain idea (`indikator`, `komponen`) sits inside the layer it
# belongs to, or its docstring's first line says why it stands beside the layers.
BESIDE_LAYERS = "Beside the layers:"
# dinsos is the shared core with its own layout (CONVENTIONS 3.1); demo holds data generators.
LAYOUT_EXEMPT = ("dinsos", "demo")
# Apps whose move to this layout is still under way (issue 13); remove each once it is done.
LAYOUT_PENDING: tuple[str, ...] = ()


def layout_problems(app: Path) -> list[str]:
    """Suffix-named layer files, oversized layer modules, and unexplained domain modules
    at the top of an app package."""
    problems = []
    for path in sorted(app.glob("*.py")):
        name = path.stem
        relative = path.relative_to(app.parent).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        layer = next((lay for lay in LAYERS if name.startswith(f"{lay}_")), None)
        if layer:
            problems.append(
                f"{relative}:1: layout-no-suffix-modules: a second {layer} module makes "
                f"{layer} a package ({layer}/{name[len(layer) + 1 :]}.py)"
            )
        elif name in LAYERS and len(lines) > LAYER_MAX_LINES:
            problems.append(
                f"{relative}:1: layout-layer-size: {len(lines)} lines; past {LAYER_MAX_LINES} "
                f"a layer becomes a package ({name}/…)"
            )
        elif name not in LAYERS and name not in APP_MODULES:
            tree = ast.parse("\n".join(lines))
            doc = (ast.get_docstring(tree) or "").strip()
            if not doc.startswith(BESIDE_LAYERS):
                problems.append(
                    f"{relative}:1: layout-domain-module: move it into the layer it belongs to "
                    f"or start its docstring with '{BESIDE_LAYERS} <why>'"
                )
    for package in sorted(p for p in app.iterdir() if p.is_dir() and p.name in LAYERS):
        for path in sorted(package.glob("*.py")):
            count = len(path.read_text(encoding="utf-8").splitlines())
            if count > LAYER_MAX_LINES:
                relative = path.relative_to(app.parent).as_posix()
                problems.append(
                    f"{relative}:1: layout-layer-size: {count} lines; split it by subject"
                )
    return problems


def _files() -> list[Path]:
    found: list[Path] = []
    for top in (*APPS, "templates", "static", "tests", "bench", "scripts"):
        base = ROOT / top
        if base.exists():
            found.extend(
                p
                for p in base.rglob("*")
                if p.is_file() and p.suffix in {".py", ".html", ".css", ".js"}
            )
    return sorted(found)


def check() -> list[str]:
    """Return one line per violation: path:line: rule: message."""
    problems = []
    this_file = Path(__file__).resolve()
    tables = model_tables()
    for path in _files():
        if path.resolve() == this_file:
            continue
        relative = path.relative_to(ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for rule in RULES:
            if not rule.files.search(relative):
                continue
            for number, line in enumerate(lines, start=1):
                if rule.pattern.search(line) and "noqa: rule" not in line:
                    problems.append(f"{relative}:{number}: {rule.name}: {rule.message}")
        if is_app_code(relative):
            for number, name, message in sql_problems("\n".join(lines), tables):
                problems.append(f"{relative}:{number}: {name}: {message}")
    for app in APPS:
        if app not in LAYOUT_EXEMPT and app not in LAYOUT_PENDING and (ROOT / app).is_dir():
            problems.extend(layout_problems(ROOT / app))
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
