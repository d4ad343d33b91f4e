# Portal Dinsos — the README's commands. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# Test files run in parallel, one worker per core; each worker has its own test database and
# Redis database (dinsos/settings/test.py). `make test PYTEST_WORKERS=0` runs them serially.
PYTEST_WORKERS ?= 2

.PHONY: run test lint install browser pdf-libs bench stop check-deploy clean

## make run: set up and start the portal (web + worker + beat) with demo data.
run: $(STAMP) pdf-libs
	$(BIN)/python -m dinsos.devstack run

## make test: lint, migration check and every test on real PostgreSQL, Redis and Celery.
test: $(STAMP) browser pdf-libs
	$(MAKE) lint
	$(BIN)/python -m dinsos.devstack exec -- sh -c '\
		$(BIN)/python manage.py makemigrations --check --dry-run --settings=dinsos.settings.test && \
		$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy dinsos kpm pendamping verifikasi p2k2 dtsen pengaduan pemutakhiran laporan demo
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check
	$(BIN)/python scripts/check_rules.py
	$(BIN)/lint-imports

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# xstatic-bootstrap 5.3.8.0 is an sdist whose setup.py still imports pkg_resources.
	$(BIN)/python -m pip install -q wheel "setuptools>=77,<81"
	$(BIN)/python -m pip install -q --no-build-isolation "xstatic-bootstrap==5.3.8.0"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

## Browser tests drive Debian's chromium (never a downloaded browser).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ -f /etc/debian_version ] && [ "$$(id -u)" = 0 ]; then \
			echo "Memasang chromium dari paket Debian…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		elif [ -f /etc/debian_version ] && command -v sudo >/dev/null 2>&1; then \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium tidak ditemukan: pasang paket chromium untuk uji peramban." >&2; exit 1; \
		fi; \
	fi

## The rakor report's PDF (WeasyPrint) needs Pango and a font from Debian's packages.
pdf-libs:
	@if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0; then \
		PKGS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
		if [ -f /etc/debian_version ] && [ "$$(id -u)" = 0 ]; then \
			echo "Memasang pustaka PDF (Pango) dari paket Debian…"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$PKGS >/dev/null; \
		elif [ -f /etc/debian_version ] && command -v sudo >/dev/null 2>&1; then \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$PKGS >/dev/null; \
		else \
			echo "Pango tidak ditemukan: pasang $$PKGS untuk PDF laporan rakor." >&2; exit 1; \
		fi; \
	fi

bench: $(STAMP)
	@for script in bench/*.py; do \
		[ -e "$$script" ] || continue; \
		echo "== $$script"; \
		$(BIN)/python -m dinsos.devstack exec -- $(BIN)/python $$script || exit 1; \
	done

## Stop the embedded PostgreSQL/Redis left by an interrupted run (data stays in var/).
stop: $(STAMP)
	$(BIN)/python -m dinsos.devstack stop

clean:
	rm -rf $(VENV) var/static var/test-artifacts
