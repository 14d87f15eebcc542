"""WSGI entry point, for serving pages from a WSGI server beside a small ASGI one for sockets."""

import os

from django.core.wsgi import get_wsgi_application

from intranet.lib.startup import exit_on_config_error

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")

with exit_on_config_error():
    application = get_wsgi_application()

from intranet import warmup  # noqa: E402  (after Django is set up)

warmup.start()
