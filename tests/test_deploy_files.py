"""The deployment files agree with the code they start.

docker-compose.yml, the Dockerfile, .dockerignore and .env.example can't be exercised without a
Docker engine, so these tests read them and check every name they use against the project:
services, management commands and their options, Celery apps and queues, the WSGI entry point,
environment variables and the files the image copies. None of them needs the database.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import posixpath
import re
import secrets
import shlex
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from celery import Celery
from django.core.management import CommandError, get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_FILE = ROOT / "dinsos" / "settings" / "base.py"
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"

EXPECTED_SERVICES = ("db", "redis", "web", "worker", "beat")
APP_SERVICES = ("web", "worker", "beat")
POSTGRES_DATA_DIR = "/var/lib/postgresql/data"  # PGDATA of the postgres:16 image
TRUE_VALUES = {"true", "on", "ok", "y", "yes", "1"}  # what django-environ's env.bool accepts

SHELLS = {"sh", "bash", "/bin/sh", "/bin/bash"}
SHELL_OPERATORS = {"&&", "||", ";", "|", "&", "(", ")"}
WSGI_TARGET = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
# $$ (an escaped dollar), ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ..., $NAME
COMPOSE_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_]\w*)(?:(?P<operator>:?[-?+])[^}]*)?\}"
    r"|(?P<bare>[A-Za-z_]\w*))"
)
ENV_ASSIGNMENT = re.compile(r"^(?:export\s+)?(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<value>.*)$")


# --- Reading the files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE.name} is missing from the repository root"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{COMPOSE_FILE.name} must be a YAML mapping"
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose.get("services")
    assert isinstance(found, dict), f"{COMPOSE_FILE.name} has no `services:` mapping"
    return found


def _service(services: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    assert name in services, f"{COMPOSE_FILE.name}: service {name!r} is missing"
    service = services[name]
    assert isinstance(service, dict), f"{COMPOSE_FILE.name}: service {name!r} must be a mapping"
    return service


def _env_example_entries() -> list[tuple[int, str, str]]:
    """(line number, name, value) for each assignment in .env.example, values unquoted."""
    assert ENV_EXAMPLE.is_file(), f"{ENV_EXAMPLE.name} is missing from the repository root"
    entries = []
    for lineno, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = ENV_ASSIGNMENT.match(stripped)
        assert match, f"{ENV_EXAMPLE.name}:{lineno} is neither a comment nor NAME=value: {line!r}"
        value = match["value"].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        entries.append((lineno, match["name"], value))
    return entries


def _env_example() -> dict[str, str]:
    return {name: value for _, name, value in _env_example_entries()}


def _strings(node: Any) -> Iterator[str]:
    """Every string value in a parsed YAML document (mapping keys excluded, comments are gone)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _python_string_literals(path: Path) -> str:
    """The string literals of a Python file, joined: names in comments don't count as used."""
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    with path.open("rb") as source:
        return "\n".join(t.string for t in tokenize.tokenize(source.readline) if t.type in kinds)


# --- Commands in compose and the Dockerfile ------------------------------------------------------


@dataclass(frozen=True)
class Invocation:
    """One simple command (argv) that a container runs, and where it is written."""

    service: str | None  # None for the Dockerfile
    key: str  # command, entrypoint, healthcheck, CMD or ENTRYPOINT
    where: str
    argv: tuple[str, ...]


def _split_script(script: str) -> list[list[str]]:
    """Split a shell script into simple commands at &&, ||, ;, | and parentheses."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in SHELL_OPERATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


def _simple_commands(argv: list[str]) -> Iterator[list[str]]:
    """The commands argv runs: looks into `sh -c SCRIPT`, drops `exec`, `env` and VAR=value."""
    if len(argv) >= 3 and argv[0] in SHELLS and re.fullmatch(r"-[a-z]*c", argv[1]):
        for command in _split_script(argv[2]):
            yield from _simple_commands(command)
        return
    while argv and (argv[0] in {"exec", "env"} or re.fullmatch(r"[A-Za-z_]\w*=.*", argv[0])):
        argv = argv[1:]
    if argv:
        yield argv


def _healthcheck_commands(test: Any) -> Iterator[list[str]]:
    if isinstance(test, str):  # a plain string is run by the shell, like CMD-SHELL
        for command in _split_script(test):
            yield from _simple_commands(command)
    elif isinstance(test, list) and test:
        kind, *rest = (str(part) for part in test)
        if kind == "CMD":
            yield from _simple_commands(rest)
        elif kind == "CMD-SHELL" and rest:
            for command in _split_script(rest[0]):
                yield from _simple_commands(command)


def _compose_invocations(services: dict[str, dict[str, Any]]) -> list[Invocation]:
    found = []
    for name, service in services.items():
        for key in ("entrypoint", "command"):
            value = service.get(key)
            if value is None:
                continue
            # A string command is split like a shell would, but no shell runs it.
            argv = shlex.split(value) if isinstance(value, str) else [str(v) for v in value]
            found += [
                Invocation(name, key, f"service {name!r} {key}", tuple(command))
                for command in _simple_commands(argv)
            ]
        test = (service.get("healthcheck") or {}).get("test")
        found += [
            Invocation(name, "healthcheck", f"service {name!r} healthcheck", tuple(command))
            for command in _healthcheck_commands(test)
        ]
    return found


@dataclass(frozen=True)
class Instruction:
    lineno: int
    keyword: str
    args: str


def _dockerfile() -> list[Instruction]:
    """Dockerfile instructions with line continuations joined and comments dropped."""
    assert DOCKERFILE.is_file(), f"{DOCKERFILE.name} is missing from the repository root"
    instructions = []
    buffer, start = "", 0
    for lineno, raw in enumerate(DOCKERFILE.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # blank lines and comments, also inside a continued instruction
        if not buffer:
            start = lineno
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        keyword, *args = re.split(r"\s+", buffer + line, maxsplit=1)
        instructions.append(Instruction(start, keyword.upper(), "".join(args).strip()))
        buffer = ""
    return instructions


def _exec_form(args: str) -> list[str] | None:
    """The JSON (exec) form of CMD/ENTRYPOINT/COPY; None for the shell form, as Docker does."""
    try:
        parsed = json.loads(args) if args.startswith("[") else None
    except json.JSONDecodeError:
        return None
    return [str(part) for part in parsed] if isinstance(parsed, list) else None


def _dockerfile_invocations() -> list[Invocation]:
    found = []
    for instruction in _dockerfile():
        if instruction.keyword not in {"CMD", "ENTRYPOINT"}:
            continue
        where = f"{DOCKERFILE.name}:{instruction.lineno} {instruction.keyword}"
        argv = _exec_form(instruction.args)
        scripts = [argv] if argv is not None else _split_script(instruction.args)
        found += [
            Invocation(None, instruction.keyword, where, tuple(command))
            for script in scripts
            for command in _simple_commands(script)
        ]
    return found


def _all_invocations(services: dict[str, dict[str, Any]]) -> list[Invocation]:
    return _compose_invocations(services) + _dockerfile_invocations()


def _manage_py_call(argv: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """(command name, its arguments) for `python manage.py NAME ...` or `./manage.py NAME ...`."""
    if len(argv) >= 3 and Path(argv[0]).name.startswith("python"):
        if Path(argv[1]).name == "manage.py":
            return argv[2], list(argv[3:])
    elif len(argv) >= 2 and Path(argv[0]).name == "manage.py":
        return argv[1], list(argv[2:])
    return None


def _program(argv: tuple[str, ...]) -> tuple[str, list[str]]:
    """The program name and its arguments; `python -m celery ...` counts as `celery ...`."""
    if len(argv) >= 3 and Path(argv[0]).name.startswith("python") and argv[1] == "-m":
        return argv[2], list(argv[3:])
    return Path(argv[0]).name, list(argv[1:])


def _option(args: list[str], short: str | None, long: str) -> str | None:
    for index, arg in enumerate(args):
        if arg in {short, long}:
            return args[index + 1] if index + 1 < len(args) else ""
        if arg.startswith(long + "="):
            return arg.partition("=")[2]
        if short and arg.startswith(short) and not arg.startswith("--") and len(arg) > 2:
            return arg[len(short) :]
    return None


def _celery_app(spec: str) -> tuple[Celery | None, str]:
    """The Celery app `celery -A spec` would load, or None and why not."""
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return None, f"module {module_name!r} cannot be imported ({exc})"
    names = [attribute] if attribute else ["celery_app", "app"]
    for name in names:
        if isinstance(getattr(module, name, None), Celery):
            return getattr(module, name), ""
    wanted = " or ".join(f"{module_name}.{name}" for name in names)
    return None, f"module {module_name!r} has no Celery app ({wanted} is not a celery.Celery)"


def _celery_calls(services: dict[str, dict[str, Any]]) -> list[tuple[Invocation, list[str]]]:
    calls = []
    for invocation in _all_invocations(services):
        program, args = _program(invocation.argv)
        if program == "celery":
            calls.append((invocation, args))
    return calls


# --- Services ------------------------------------------------------------------------------------


def test_compose_has_exactly_the_expected_services(services: dict[str, dict[str, Any]]) -> None:
    # given / when
    names = set(services)

    # then
    missing = sorted(set(EXPECTED_SERVICES) - names)
    unexpected = sorted(names - set(EXPECTED_SERVICES))
    assert not missing, f"{COMPOSE_FILE.name} lacks service(s) {missing}"
    assert not unexpected, f"{COMPOSE_FILE.name} has unexpected service(s) {unexpected}"


def test_compose_has_no_obsolete_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose, (
        f"{COMPOSE_FILE.name}: drop the top-level `version:` key (obsolete in Compose v2)"
    )


@pytest.mark.parametrize(
    ("service_name", "image_prefix"), [("db", "postgres:16"), ("redis", "redis:7")]
)
def test_backing_service_image(
    services: dict[str, dict[str, Any]], service_name: str, image_prefix: str
) -> None:
    image = str(_service(services, service_name).get("image", ""))

    assert image.startswith(image_prefix), (
        f"service {service_name!r} must use image {image_prefix}*, not {image!r}"
    )


@pytest.mark.parametrize("service_name", EXPECTED_SERVICES)
def test_service_has_a_healthcheck(services: dict[str, dict[str, Any]], service_name: str) -> None:
    healthcheck = _service(services, service_name).get("healthcheck") or {}
    test = healthcheck.get("test")

    assert not healthcheck.get("disable"), f"service {service_name!r} disables its healthcheck"
    assert test, f"service {service_name!r} has no healthcheck test"
    assert test != ["NONE"], f"service {service_name!r} disables its healthcheck with NONE"


@pytest.mark.parametrize("service_name", EXPECTED_SERVICES)
def test_service_restarts_unless_stopped(
    services: dict[str, dict[str, Any]], service_name: str
) -> None:
    restart = _service(services, service_name).get("restart")

    assert restart == "unless-stopped", (
        f"service {service_name!r} has restart: {restart!r}, expected 'unless-stopped'"
    )


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_app_service_reads_env_file(services: dict[str, dict[str, Any]], service_name: str) -> None:
    env_file = _service(services, service_name).get("env_file")
    entries = [env_file] if isinstance(env_file, str | dict) else list(env_file or [])
    paths = [entry["path"] if isinstance(entry, dict) else entry for entry in entries]

    assert ".env" in paths, f"service {service_name!r} must have `env_file: .env` (has {paths})"
    assert ENV_EXAMPLE.is_file(), (
        f"service {service_name!r} reads .env, but {ENV_EXAMPLE.name} (its template) is missing"
    )


@pytest.mark.parametrize("service_name", APP_SERVICES)
def test_app_service_healthcheck_checks_its_own_component(
    services: dict[str, dict[str, Any]], service_name: str
) -> None:
    test = (_service(services, service_name).get("healthcheck") or {}).get("test")
    calls = [call for argv in _healthcheck_commands(test) if (call := _manage_py_call(tuple(argv)))]
    components = [
        _option(args, None, "--component") for name, args in calls if name == "healthcheck"
    ]

    assert service_name in components, (
        f"service {service_name!r} healthcheck must run "
        f"`python manage.py healthcheck --component {service_name}`, not {test!r}"
    )


def test_depends_on_names_services_with_healthchecks(
    services: dict[str, dict[str, Any]],
) -> None:
    errors = []
    for name, service in services.items():
        depends_on = service.get("depends_on") or {}
        conditions = (
            dict.fromkeys(depends_on, "service_started")
            if isinstance(depends_on, list)
            else {
                dep: (spec or {}).get("condition", "service_started")
                for dep, spec in depends_on.items()
            }
        )
        for dependency, condition in conditions.items():
            if dependency not in services:
                errors.append(f"service {name!r} depends on unknown service {dependency!r}")
            elif condition == "service_healthy" and not services[dependency].get("healthcheck"):
                errors.append(
                    f"service {name!r} waits for {dependency!r} to be healthy, "
                    f"but {dependency!r} has no healthcheck"
                )

    assert not errors, "\n".join(errors)


def test_web_waits_for_healthy_db_and_redis(services: dict[str, dict[str, Any]]) -> None:
    depends_on = _service(services, "web").get("depends_on") or {}

    for dependency in ("db", "redis"):
        spec = depends_on.get(dependency) if isinstance(depends_on, dict) else None
        assert (spec or {}).get("condition") == "service_healthy", (
            f"service 'web' must depend on {dependency!r} with condition: service_healthy"
        )


def _volume_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, target) of each volume of a service, short or long syntax."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            mounts.append((str(volume.get("source", "")), str(volume.get("target", ""))))
        else:
            source, _, rest = str(volume).partition(":")
            mounts.append((source, rest.partition(":")[0]) if rest else ("", source))
    return mounts


def _is_named_volume(source: str) -> bool:
    return bool(source) and not source.startswith(("/", ".", "~", "$"))


def test_named_volumes_are_declared(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose.get("volumes") or {})
    undeclared = [
        f"service {name!r} mounts volume {source!r}, which is not under top-level `volumes:`"
        for name, service in services.items()
        for source, _ in _volume_mounts(service)
        if _is_named_volume(source) and source not in declared
    ]

    assert not undeclared, "\n".join(undeclared)


def test_db_keeps_its_data_in_a_named_volume(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose.get("volumes") or {})
    mounts = _volume_mounts(_service(services, "db"))
    data_mounts = [source for source, target in mounts if target == POSTGRES_DATA_DIR]

    assert data_mounts, f"service 'db' must mount a named volume at {POSTGRES_DATA_DIR}: {mounts}"
    assert _is_named_volume(data_mounts[0]), (
        f"service 'db' mounts {data_mounts[0]!r} at {POSTGRES_DATA_DIR}; use a named volume"
    )
    assert data_mounts[0] in declared, (
        f"service 'db' volume {data_mounts[0]!r} is not declared under top-level `volumes:`"
    )


@pytest.mark.parametrize("service_name", ["web", "worker"])
def test_media_volume_is_mounted_at_media_root(
    services: dict[str, dict[str, Any]], service_name: str
) -> None:
    media_root = _env_example().get("DJANGO_MEDIA_ROOT", "/app/var/media")
    mounts = dict(_volume_mounts(_service(services, service_name)))

    assert mounts.get("media") == media_root, (
        f"service {service_name!r} must mount volume 'media' at {media_root} "
        f"(DJANGO_MEDIA_ROOT in {ENV_EXAMPLE.name}); its volumes are {mounts}"
    )


# --- Commands ------------------------------------------------------------------------------------


def test_manage_py_calls_name_real_commands_with_valid_options(
    services: dict[str, dict[str, Any]],
) -> None:
    # given
    commands = get_commands()  # {name: app}
    calls = [
        (invocation, call)
        for invocation in _all_invocations(services)
        if (call := _manage_py_call(invocation.argv))
    ]
    assert calls, f"no `python manage.py ...` found in {COMPOSE_FILE.name}: is the parser broken?"

    # when
    errors = []
    for invocation, (name, args) in calls:
        if name not in commands:
            errors.append(f"{invocation.where}: `manage.py {name}` is not a management command")
            continue
        parser = load_command_class(commands[name], name).create_parser("manage.py", name)
        try:
            parser.parse_args(args)
        except CommandError as exc:
            errors.append(f"{invocation.where}: `manage.py {name} {shlex.join(args)}`: {exc}")

    # then
    assert not errors, "\n".join(errors)


def test_celery_calls_name_a_module_with_a_celery_app(
    services: dict[str, dict[str, Any]],
) -> None:
    calls = _celery_calls(services)
    assert calls, f"no `celery ...` command found in {COMPOSE_FILE.name}"

    errors = []
    for invocation, args in calls:
        spec = _option(args, "-A", "--app")
        if not spec:
            errors.append(f"{invocation.where}: `celery` without `-A <module>`")
            continue
        app, problem = _celery_app(spec)
        if app is None:
            errors.append(f"{invocation.where}: `celery -A {spec}`: {problem}")

    assert not errors, "\n".join(errors)


def test_gunicorn_wsgi_targets_resolve(services: dict[str, dict[str, Any]]) -> None:
    calls = [
        (invocation, args)
        for invocation in _all_invocations(services)
        for program, args in [_program(invocation.argv)]
        if program == "gunicorn"
    ]
    assert calls, f"no gunicorn command in {COMPOSE_FILE.name} or {DOCKERFILE.name}"

    errors = []
    for invocation, args in calls:
        target = next((arg for arg in args if WSGI_TARGET.fullmatch(arg)), None)
        if target is None:
            errors.append(f"{invocation.where}: gunicorn without a module:attribute app")
            continue
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            errors.append(f"{invocation.where}: gunicorn {target}: cannot import ({exc})")
            continue
        if not callable(getattr(module, attribute, None)):
            errors.append(f"{invocation.where}: gunicorn {target}: no callable {attribute!r}")

    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(
    ("service_name", "program", "subcommand"),
    [("web", "gunicorn", None), ("worker", "celery", "worker"), ("beat", "celery", "beat")],
)
def test_service_runs_its_process(
    services: dict[str, dict[str, Any]], service_name: str, program: str, subcommand: str | None
) -> None:
    _service(services, service_name)
    runs = [
        _program(invocation.argv)
        for invocation in _compose_invocations(services)
        if invocation.service == service_name and invocation.key in {"command", "entrypoint"}
    ]

    assert any(
        found == program and (subcommand is None or subcommand in args) for found, args in runs
    ), f"service {service_name!r} must run `{program} {subcommand or ''}`, runs {runs}"


def test_web_publishes_the_port_gunicorn_binds(services: dict[str, dict[str, Any]]) -> None:
    web = _service(services, "web")
    binds = [
        _option(args, "-b", "--bind")
        for invocation in _compose_invocations(services)
        if invocation.service == "web"
        for program, args in [_program(invocation.argv)]
        if program == "gunicorn"
    ]
    container_ports = {
        str(port["target"])
        if isinstance(port, dict)
        else str(port).rsplit(":", 1)[-1].split("/")[0]
        for port in web.get("ports") or []
    }

    assert binds, "service 'web' does not run gunicorn"
    assert binds[0], "service 'web' runs gunicorn without --bind"
    assert binds[0].rsplit(":", 1)[-1] in container_ports, (
        f"service 'web': gunicorn binds {binds[0]!r} but ports publishes {sorted(container_ports)}"
    )


def _queues_celery_uses(app: Celery) -> set[str]:
    """Queues the app sends tasks to: the default queue, declared queues and routes."""
    conf = app.conf
    queues = {conf.task_default_queue}
    declared = conf.task_queues or []
    queues |= {getattr(queue, "name", queue) for queue in declared}
    routes = conf.task_routes or {}
    for route_map in routes if isinstance(routes, list | tuple) else [routes]:
        if not isinstance(route_map, dict):
            continue  # a router function: can't be read statically
        for route in route_map.values():
            queue = route.get("queue") if isinstance(route, dict) else route
            if isinstance(queue, str):
                queues.add(queue)
    for entry in (conf.beat_schedule or {}).values():
        queue = (entry.get("options") or {}).get("queue")
        if queue:
            queues.add(queue)
    return {str(queue) for queue in queues}


def test_workers_consume_every_queue_celery_sends_to(services: dict[str, dict[str, Any]]) -> None:
    # given
    consumed: set[str] = set()
    apps = []
    for _, args in _celery_calls(services):
        spec = _option(args, "-A", "--app")
        app = _celery_app(spec)[0] if spec and "worker" in args else None
        if app is None:
            continue  # reported by test_celery_calls_name_a_module_with_a_celery_app
        apps.append(app)
        queues = _option(args, "-Q", "--queues")
        consumed |= set(queues.split(",")) if queues else {app.conf.task_default_queue}
    assert apps, f"no `celery -A <app> worker` in {COMPOSE_FILE.name}"

    # when
    used = set().union(*(_queues_celery_uses(app) for app in apps))

    # then
    assert used <= consumed, (
        f"Celery sends tasks to queue(s) {sorted(used - consumed)} that no compose worker "
        f"consumes (workers run -Q {','.join(sorted(consumed))})"
    )


# --- Environment variables -----------------------------------------------------------------------


def test_compose_variables_are_documented_in_env_example(compose: dict[str, Any]) -> None:
    # given
    documented = set(_env_example())

    # when: ${NAME} and ${NAME:?error} need a value; ${NAME:-default} and $$ (escape) don't
    required = set()
    for text in _strings(compose):
        for match in COMPOSE_VARIABLE.finditer(text):
            name = match["braced"] or match["bare"]
            operator = match["operator"] or ""
            if name and "-" not in operator and "+" not in operator:
                required.add(name)

    # then
    missing = sorted(required - documented)
    assert not missing, (
        f"{COMPOSE_FILE.name} uses variable(s) {missing} without a default; "
        f"define them in {ENV_EXAMPLE.name}"
    )


def test_env_example_variables_are_used(compose: dict[str, Any]) -> None:
    # given
    assert SETTINGS_FILE.is_file(), f"{SETTINGS_FILE.relative_to(ROOT)} is missing"
    settings_strings = _python_string_literals(SETTINGS_FILE) + _python_string_literals(
        GUNICORN_CONFIG
    )
    compose_strings = "\n".join(_strings(compose))

    # when
    dead = [
        name
        for name in _env_example()
        if not re.search(rf"\b{name}\b", settings_strings)
        and not re.search(rf"\b{name}\b", compose_strings)
    ]

    # then
    assert not dead, (
        f"{ENV_EXAMPLE.name} documents {dead}, which neither "
        f"{SETTINGS_FILE.relative_to(ROOT)}, {GUNICORN_CONFIG.name} nor {COMPOSE_FILE.name} reads"
    )


def test_env_example_has_a_comment_for_each_variable() -> None:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    entries = _env_example_entries()
    assignment_lines = {lineno for lineno, _, _ in entries}

    undocumented = []
    for lineno, name, _ in entries:
        above = lineno - 1  # walk up over the other variables of the same block
        while above in assignment_lines:
            above -= 1
        if above < 1 or not lines[above - 1].strip().startswith("#"):
            undocumented.append(f"{name} (line {lineno})")

    assert not undocumented, (
        f"{ENV_EXAMPLE.name}: put a comment line right above {', '.join(undocumented)}"
    )


def test_env_example_defines_each_variable_once() -> None:
    names = [name for _, name, _ in _env_example_entries()]
    duplicates = sorted({name for name in names if names.count(name) > 1})

    assert not duplicates, f"{ENV_EXAMPLE.name} defines {duplicates} more than once"


def test_env_example_values_are_production_safe() -> None:
    # given
    env = _env_example()

    def flag(name: str) -> bool:
        return env.get(name, "").lower() in TRUE_VALUES

    # when
    problems = []
    if flag("DJANGO_DEBUG") or "DJANGO_DEBUG" not in env:
        problems.append("DJANGO_DEBUG must be false")
    problems += [
        f"{name} must be true"
        for name in (
            "DJANGO_SECURE_SSL_REDIRECT",
            "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "DJANGO_SECURE_HSTS_PRELOAD",
            "DJANGO_SECURE_COOKIES",
        )
        if not flag(name)
    ]
    hsts = env.get("DJANGO_SECURE_HSTS_SECONDS", "")
    if not hsts.isdigit() or int(hsts) < 31536000:
        problems.append(f"DJANGO_SECURE_HSTS_SECONDS must be at least 31536000, not {hsts!r}")
    hosts = [host for host in env.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()]
    if not hosts or "*" in hosts:
        problems.append(f"DJANGO_ALLOWED_HOSTS must name real hosts, not {hosts}")
    origins = [o for o in env.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
    problems += [
        f"DJANGO_CSRF_TRUSTED_ORIGINS entry {origin!r} must start with https://"
        for origin in origins
        if not origin.startswith("https://")
    ]
    secret = env.get("DJANGO_SECRET_KEY", "")
    if not secret.startswith("ganti-"):
        problems.append(f"DJANGO_SECRET_KEY must be a `ganti-...` placeholder, not {secret!r}")

    # then
    assert not problems, f"{ENV_EXAMPLE.name}: " + "; ".join(problems)


def test_env_example_urls_point_at_compose_services(services: dict[str, dict[str, Any]]) -> None:
    # given
    env = _env_example()
    database = urlsplit(env.get("DATABASE_URL", ""))
    redis = urlsplit(env.get("REDIS_URL", ""))

    # when
    problems = []
    if database.scheme not in {"postgres", "postgresql"}:
        problems.append(f"DATABASE_URL must be postgres://…, not {database.scheme!r}://")
    if database.hostname not in services:
        problems.append(f"DATABASE_URL host {database.hostname!r} is not a compose service")
    expected = {
        "POSTGRES_USER": unquote(database.username or ""),
        "POSTGRES_PASSWORD": unquote(database.password or ""),
        "POSTGRES_DB": database.path.lstrip("/"),
    }
    problems += [
        f"DATABASE_URL has {name.removeprefix('POSTGRES_').lower()} {value!r} "
        f"but {name}={env.get(name)!r}"
        for name, value in expected.items()
        if env.get(name) != value
    ]
    if redis.scheme not in {"redis", "rediss"}:
        problems.append(f"REDIS_URL must be redis://…, not {redis.scheme!r}://")
    if redis.hostname not in services:
        problems.append(f"REDIS_URL host {redis.hostname!r} is not a compose service")

    # then
    assert not problems, f"{ENV_EXAMPLE.name}: " + "; ".join(problems)


def test_env_example_passes_check_deploy(tmp_path: Path) -> None:
    """With a real secret key, the documented production values give a clean `check --deploy`."""
    # given: a production-like environment made only of .env.example (plus a real key)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(_env_example())
    env.update(
        DJANGO_SETTINGS_MODULE="dinsos.settings.base",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
    )

    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    # then
    assert result.returncode == 0, (
        f"`manage.py check --deploy` with the values of {ENV_EXAMPLE.name} is not clean:\n"
        f"{result.stdout}\n{result.stderr}"
    )


# --- Dockerfile and .dockerignore ----------------------------------------------------------------


def test_dockerfile_base_images_are_pinned() -> None:
    stages: set[str] = set()
    errors = []
    froms = [i for i in _dockerfile() if i.keyword == "FROM"]
    assert froms, f"{DOCKERFILE.name} has no FROM"
    for instruction in froms:
        words = [word for word in instruction.args.split() if not word.startswith("--")]
        image = words[0]
        if len(words) >= 3 and words[1].lower() == "as":
            stages.add(words[2].lower())
        if image.lower() in stages or image == "scratch":
            continue
        name, _, digest = image.partition("@")
        last_part = name.rsplit("/", 1)[-1]
        tag = last_part.partition(":")[2]
        if not digest and (not tag or tag == "latest"):
            errors.append(
                f"{DOCKERFILE.name}:{instruction.lineno}: base image {image!r} "
                "must be pinned to a version tag or digest (not latest)"
            )

    assert not errors, "\n".join(errors)


def test_dockerfile_runs_as_a_created_non_root_user() -> None:
    instructions = _dockerfile()
    last_from = max(
        i for i, instruction in enumerate(instructions) if instruction.keyword == "FROM"
    )
    final_stage = instructions[last_from:]
    users = [instruction for instruction in final_stage if instruction.keyword == "USER"]
    assert users, f"{DOCKERFILE.name}: the final stage has no USER, so it runs as root"

    user = users[-1].args.partition(":")[0].strip()
    assert user not in {"root", "0"}, f"{DOCKERFILE.name}:{users[-1].lineno}: USER {user} is root"
    if not user.isdigit():
        runs = " ; ".join(i.args for i in final_stage if i.keyword == "RUN")
        created = re.search(rf"\b(useradd|adduser)\b[^;&|]*\s{re.escape(user)}(\s|$)", runs)
        assert created, f"{DOCKERFILE.name}: USER {user} is never created with useradd/adduser"


def test_dockerfile_sets_an_existing_settings_module() -> None:
    values = {}
    for instruction in _dockerfile():
        if instruction.keyword == "ENV":
            words = shlex.split(instruction.args)
            if len(words) >= 2 and "=" not in words[0]:  # legacy `ENV NAME value`
                values[words[0]] = " ".join(words[1:])
            else:
                values.update(word.partition("=")[::2] for word in words)

    module = values.get("DJANGO_SETTINGS_MODULE")
    assert module, f"{DOCKERFILE.name} must set ENV DJANGO_SETTINGS_MODULE"
    assert importlib.util.find_spec(module) is not None, (
        f"{DOCKERFILE.name}: DJANGO_SETTINGS_MODULE={module} is not an importable module"
    )


def _dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception `!pattern`, regex) per .dockerignore line, in order."""
    assert DOCKERIGNORE.is_file(), f"{DOCKERIGNORE.name} is missing from the repository root"
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = posixpath.normpath(line.removeprefix("!").strip().lstrip("/"))
        regex, index = "", 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                regex, index = regex + "(?:.*/)?", index + 3
            elif pattern.startswith("**", index):
                regex, index = regex + ".*", index + 2
            elif pattern[index] == "*":
                regex, index = regex + "[^/]*", index + 1
            elif pattern[index] == "?":
                regex, index = regex + "[^/]", index + 1
            elif pattern[index] == "[" and "]" in pattern[index:]:
                end = pattern.index("]", index)
                regex, index = regex + pattern[index : end + 1], end + 1
            else:
                regex, index = regex + re.escape(pattern[index]), index + 1
        rules.append((negate, re.compile(regex)))
    return rules


def _is_dockerignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last matching pattern wins; a match on a parent directory counts."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    ignored = False
    for negate, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not negate
    return ignored


def test_dockerfile_copies_existing_files_that_are_in_the_build_context() -> None:
    rules = _dockerignore_rules()
    errors = []
    for instruction in _dockerfile():
        if instruction.keyword not in {"COPY", "ADD"}:
            continue
        words = _exec_form(instruction.args) or shlex.split(instruction.args)
        flags = [word for word in words if word.startswith("--")]
        paths = [word for word in words if not word.startswith("--")]
        if any(flag.startswith("--from") for flag in flags):
            continue  # copies from another stage or image, not from the repository
        where = f"{DOCKERFILE.name}:{instruction.lineno} {instruction.keyword}"
        for source in paths[:-1]:
            if re.match(r"[a-z]+://", source):
                continue
            relative = posixpath.normpath(source.lstrip("/"))
            if relative == ".":
                continue
            if any(char in relative for char in "*?["):
                if not list(ROOT.glob(relative)):
                    errors.append(f"{where}: {source!r} matches no file in the repository")
            elif not (ROOT / relative).exists():
                errors.append(f"{where}: {source!r} does not exist in the repository")
            elif _is_dockerignored(relative, rules):
                errors.append(f"{where}: {source!r} is excluded by {DOCKERIGNORE.name}")

    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".venv/bin/python",
        ".git/HEAD",
        "var/media/foto.jpg",
        "var/static/css/app.css",
        "dinsos/__pycache__",
        "kpm/models.pyc",
        "manage.pyc",
        "test-results/trace.zip",
        "playwright-report/index.html",
    ],
)
def test_dockerignore_excludes_local_state(path: str) -> None:
    assert _is_dockerignored(path, _dockerignore_rules()), (
        f"{DOCKERIGNORE.name} must exclude {path!r} from the build context"
    )


def test_dockerignore_keeps_the_application() -> None:
    # given: what the image needs at run time
    packages = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
    needed = ["manage.py", "pyproject.toml", "README.md"]
    needed += [f"{package}/__init__.py" for package in packages]
    needed += [
        path.relative_to(ROOT).as_posix()
        for folder in ("dinsos/data", "templates", "static")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and not path.name.startswith(".")
    ]

    # when
    rules = _dockerignore_rules()
    excluded = [path for path in needed if _is_dockerignored(path, rules)]

    # then
    assert not excluded, f"{DOCKERIGNORE.name} excludes files the image needs: {excluded}"
