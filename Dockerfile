# Portal Dinsos — one image for web (gunicorn), Celery worker and Celery beat.
# Build: docker compose build   (see docker-compose.yml for how each service runs it)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=dinsos.settings.base

# Non-root user that runs every process in the container.
RUN groupadd --system --gid 1000 dinsos \
    && useradd --system --uid 1000 --gid dinsos --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin dinsos

WORKDIR /app

# WeasyPrint (the rakor report's PDF, laporan/exporters.py) draws text with Pango and
# HarfBuzz; a font so the PDF has glyphs on a slim image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change doesn't reinstall them. Only the main dependencies
# (no [dev]). xstatic-bootstrap is published as an sdist only and its setup.py needs an older
# setuptools without build isolation, so it is installed on its own before the project.
COPY pyproject.toml README.md ./
RUN pip install wheel "setuptools>=77,<81" \
    && pip install --no-build-isolation xstatic-bootstrap==5.3.8.0 \
    && pip install --no-build-isolation . \
    && rm -rf build ./*.egg-info

# The code stays owned by root (read-only for the app); only /app/var is writable.
COPY . .
RUN mkdir -p /app/var/media /app/var/static \
    && chown -R dinsos:dinsos /app/var

USER dinsos

EXPOSE 8000

CMD ["gunicorn", "dinsos.wsgi:application", "--bind", "0.0.0.0:8000"]
