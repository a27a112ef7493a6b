"""Expose the WSGI application for `amity serve` and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

from amity.core.private_files import restrict_umask

restrict_umask()  # under any WSGI server too: uploads, caches and the database stay private
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amity.settings")

application = get_wsgi_application()
