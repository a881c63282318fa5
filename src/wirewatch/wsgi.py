"""WSGI entry point, for granian (``wirewatch serve``) or any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirewatch.settings")
application = get_wsgi_application()

# Outermost, anonymous answers kept for under a second in each process (serving/microcache.py); behind it,
# anonymous article pages straight from the marker-keyed page cache (serving/fastpath.py); then Django.
from wirewatch.serving.fastpath import FastPath  # noqa: E402  (needs the settings configured above)
from wirewatch.serving.microcache import MicroCache  # noqa: E402

application = MicroCache(FastPath(application))
