"""WSGI entry point (gunicorn dinsos.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dinsos.settings.base")

application = get_wsgi_application()
