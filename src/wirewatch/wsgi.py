"""WSGI entry point, for granian (``wirewatch serve``) or any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirewatch.settings")
application = get_wsgi_application()

# Anonymous article pages straight from the page cache, before Django's request machinery (serving/fastpath.py).
from wirewatch.serving.fastpath import FastPath  # noqa: E402  (needs the settings configured above)

application = FastPath(application)
