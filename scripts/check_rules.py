"""Project rules that ruff cannot express (CONVENTIONS.md 3.12). Run by `make lint`."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("dinsos", "kpm", "pendamping", "p2k2", "dtsen", "demo")


@dataclass(frozen=True)
class Rule:
    name: str
    files: re.Pattern[str]
    pattern: re.Pattern[str]
    message: str


RULES = (
    Rule(
        "no-orm-in-views",
        re.compile(r"(^|/)views\.py$"),
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
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        sys.stderr.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
