"""Expose the WSGI application for `amity serve` and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")

application = get_wsgi_application()
