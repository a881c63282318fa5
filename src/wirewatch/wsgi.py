"""WSGI entry point, for granian (``wirewatch serve``) or any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirewatch.settings")
application = get_wsgi_application()
