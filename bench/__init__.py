"""Benchmarks and the large-database seeding they share; run as `python -m bench.<module>`.

Importing the package makes Django ready (with intranet.settings unless
DJANGO_SETTINGS_MODULE says otherwise), so each benchmark module can import models at the
top. Benchmarks measure production-like rendering: DEBUG off (cached templates, no query
log) unless the environment says otherwise; nothing here serves real traffic. Under pytest,
Django is already set up and this does nothing.
"""

from __future__ import annotations

import os

import django
from django.apps import apps

if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # Servers started here speak plain HTTP on loopback: their sockets' Origin is http://
    # (intranet.lib.origin refuses it when HTTPS says the site is served over TLS).
    os.environ.setdefault("HTTPS", "0")
    # Required with DEBUG off (links in e-mail); benchmarks send none to real people.
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    django.setup()
