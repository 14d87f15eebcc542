"""Settings for the intranet, read from the environment (see README.md for every variable).

Embedded defaults (SQLite, in-memory channel layer, in-process tasks, a Whoosh index in
var/) need no configuration; the scale configuration is switched on by DATABASE_URL,
REDIS_URL, SEARCH_BACKEND and TASK_BACKEND.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from csp.constants import NONE, SELF

from intranet.lib.config import (
    ConfigError,
    database_from_env,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    redis_url_from_env,
    secret_key,
    site_url_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")

SITE_NAME = env_str("SITE_NAME", "Outloud")
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = secret_key(debug=DEBUG, key_file=VAR_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS", "required when DEBUG is off (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "taggit",
    "django_htmx",
    # Before django_tasks_db, so that its db_worker command is ours (it first requeues what a
    # killed worker left running: intranet/management/commands/db_worker.py).
    "intranet",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "profiles",
    "notifications",
    "questions",
    "search",
    "reports",
    "webhooks",
    # The API (api/); ninja for its swagger-ui page and files, served from this site.
    "ninja",
    "api",
    # Seed data for `make run` and the tests; the product never imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, also reading sessions made before profiles.auth's backends.
    "profiles.auth.AuthenticationMiddleware",
    # An intranet: every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Dates and times in the reader's zone (their setting, else their browser's).
    "profiles.timezones.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A page whose mail could not be sent says so (503), not a 500.
    "intranet.lib.mail.MailFailureMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns an admin sign-in lockout into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"
ASGI_APPLICATION = "intranet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intranet.context_processors.site",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------
DATABASES = {"default": database_from_env(default_sqlite=VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "profiles.User"

REDIS_URL = redis_url_from_env()
CACHES: dict[str, dict[str, Any]]
CHANNEL_LAYERS: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage degrades the cache (misses, dropped writes), never the pages.
            "BACKEND": "intranet.lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "intranet",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py times socket reads out after 5 s while channels-redis blocks
                # 5 s waiting for a message, which kills idle consumers: no read timeout.
                # redis-py 8 caps a pool at 100 connections and fails beyond (not waits):
                # 100 sockets connecting at once to one process got HTTP 500s (measured with
                # bench/notify_bench.py), so the cap is raised.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "max_connections": env_int("CHANNEL_MAX_CONNECTIONS", 1000, minimum=10),
                    }
                ],
                "prefix": "intranet",
                "capacity": env_int("CHANNEL_CAPACITY", 1000, minimum=1),
                "expiry": 60,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Rendered cards and answers (questions.fragments), kept in each process's memory: each
# entry carries the fingerprint of the rows it was rendered from, so processes never need
# to tell each other of a change, and no network round trip is spent on a page's twenty.
# 5,000 entries: cards and answers of 2-5 KB, and each question page's answers in one entry
# (2-5 KB an answer and variant, at most 4 variants): the first pages of the feeds and the
# busy questions, some tens of MB.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5_000},
}

# --- Tasks and search -----------------------------------------------------------------
# "thread" runs tasks on one background thread of the process that enqueued them (after
# commit, outside the request); "immediate" runs them at once, in the caller (tests);
# "database" queues them in the database for `manage.py db_worker` (the scale setup).
# `manage.py serve` runs the periodic commands itself (intranet.lib.schedule); turn it off
# where cron runs them, or where several server processes would each run them.
SCHEDULER = env_bool("SCHEDULER", True)
TASK_BACKEND = env_choice("TASK_BACKEND", "thread", {"thread", "immediate", "database"})
TASKS = {
    "default": {
        "BACKEND": {
            "thread": "intranet.lib.tasks.BackgroundThreadBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASK_BACKEND],
    }
}
# NumPy's bundled OpenBLAS on one thread (unless the environment says otherwise; read when
# numpy is first imported, which is after settings). A search's matrix-vector product
# over every post's vector (search.meaning) takes ~4 ms on one core; split across cores,
# the helper threads then spin waiting for work after each call, and cost the search page
# ~27 ms of CPU more (measured in-process on 100,000 posts, 2 cores), CPU that the other
# requests of the server need. A request is already one thread's worth of work.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
SEARCH_BACKEND = env_choice("SEARCH_BACKEND", "whoosh", {"whoosh", "postgres"})
if SEARCH_BACKEND == "postgres" and not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ConfigError("SEARCH_BACKEND", "'postgres' needs DATABASE_URL to point at PostgreSQL")
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR") or VAR_DIR / "search-index")
# A server process loads the meaning model and reads every document vector in the
# background as it starts (intranet.warmup): otherwise its first search waited for them,
# 2-3 s at 100,000 posts.
SEARCH_WARM_UP = env_bool("SEARCH_WARM_UP", True)

# --- Expertise and waiting questions --------------------------------------------------
# Evidence of expertise (accepted answers, likes, draft downloaders) weighs half as much
# after this many days (reports.expertise).
EXPERTISE_HALF_LIFE_DAYS = env_int("EXPERTISE_HALF_LIFE_DAYS", 180, minimum=1)
# An unanswered question this old is offered to available experts on its tags, each
# person getting at most WAITING_NUDGES_PER_DAY such offers (manage.py
# nudge_waiting_questions).
WAITING_QUESTION_HOURS = env_int("WAITING_QUESTION_HOURS", 24, minimum=1)
WAITING_NUDGES_PER_DAY = env_int("WAITING_NUDGES_PER_DAY", 3)

# --- Accounts -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out admin sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's and allauth's, loading the person with their profile (profiles.auth).
    "profiles.auth.ModelBackend",
    "profiles.auth.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "profiles.forms.SignupDetailsForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
SOCIALACCOUNT_ADAPTER = "profiles.adapters.SocialAccountAdapter"
# Sign-up is limited to these e-mail domains (comma-separated); empty means open.
SIGNUP_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_EMAIL_DOMAINS")]
# A domain limit keeps outsiders out only if the address is proven: anyone can type a
# company address they do not own. So it needs mandatory verification (nothing is shown
# before the link in the mail is followed); check --deploy warns about the other gaps.
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION",
    "mandatory" if SIGNUP_EMAIL_DOMAINS else "optional",
    {"none", "optional", "mandatory"},
)
if SIGNUP_EMAIL_DOMAINS and ACCOUNT_EMAIL_VERIFICATION != "mandatory":
    raise ConfigError(
        "ACCOUNT_EMAIL_VERIFICATION",
        "must be mandatory when SIGNUP_EMAIL_DOMAINS limits sign-up (an unproven address "
        "would let anyone in who types a company address)",
    )

# Single sign-on through any OpenID Connect provider (Keycloak, Entra ID, Okta, Google...).
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {"openid_connect": {"APPS": []}}
if OIDC_CLIENT_ID:
    _oidc_server = env_str("OIDC_SERVER_URL")
    if not _oidc_server:
        raise ConfigError("OIDC_SERVER_URL", "required when OIDC_CLIENT_ID is set")
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": env_str("OIDC_PROVIDER_ID", "sso"),
            "name": env_str("OIDC_NAME", "Company sign-in"),
            "client_id": OIDC_CLIENT_ID,
            "secret": env_str("OIDC_CLIENT_SECRET"),
            "settings": {"server_url": _oidc_server},
        }
    )

# --- Single sign-on for people who already have an account ------------------------------
# An SSO identity signs in to the existing account with the same address, and is connected
# to it, only when the provider vouches for the address (the `email_verified` claim: allauth
# matches verified addresses only). A provider that sends no such claim (some never do)
# gets the sign-up form instead. Safe because the one provider is the company's own.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# SSO_ONLY=1: single sign-on is the only way in (no password sign-in, sign-up or reset;
# the admin's own /admin/ sign-in still takes passwords, for when the provider is down).
# Addresses come from the provider, so allauth's own address confirmation is off.
SSO_ONLY = env_bool("SSO_ONLY", False)
if SSO_ONLY:
    if not OIDC_CLIENT_ID:
        raise ConfigError("SSO_ONLY", "needs OIDC_CLIENT_ID and OIDC_SERVER_URL (single sign-on)")
    SOCIALACCOUNT_ONLY = True
    ACCOUNT_EMAIL_VERIFICATION = "none"

# --- E-mail ---------------------------------------------------------------------------
# The site's public address: every link in a mail (digests, weekly summaries, sign-up and
# password mails) is built from it, never from the request or a command-line option, so
# that mails sent by the scheduler or a worker link to the same place as the site.
SITE_URL = site_url_from_env(debug=DEBUG)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# An SMTP server that accepts the connection and never answers must not hang a command
# or a sign-up page: each socket operation gives up after this many seconds.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    # Encryption follows the port unless set: STARTTLS on 587 (submission), implicit TLS
    # on 465, plain on anything else (a relay on 25 inside the company network).
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465 and not EMAIL_USE_TLS)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ConfigError("EMAIL_USE_SSL", "cannot be on together with EMAIL_USE_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
# Uploaded files are never served from MEDIA_URL: only through the draft download view,
# which checks who may see them. FILE_STORAGE swaps the backend (e.g. object storage).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
DRAFT_MAX_UPLOAD_MB = env_int("DRAFT_MAX_UPLOAD_MB", 25, minimum=1)
# A request may carry the file plus this much form data; bigger bodies are refused before
# they are read (intranet.asgi.BodySizeLimit).
REQUEST_BODY_LIMIT = (DRAFT_MAX_UPLOAD_MB + 1) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 2
FILE_UPLOAD_HANDLERS = [
    "questions.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Reports (reports/; staff only) -----------------------------------------------------
# Built reports are cached this long (seconds; 0: off); run `manage.py warm_reports` more
# often than that to have every report's default range ready (see reports.cache).
REPORTS_CACHE_SECONDS = env_int("REPORTS_CACHE_SECONDS", 900, minimum=0)
STORAGES = {
    "default": {
        "BACKEND": env_str("FILE_STORAGE") or "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development WhiteNoise serves straight from the app and project static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Served over HTTPS: on in production, off for `make run` on http://127.0.0.1:8000.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    # Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1; turn the redirect off
    # only where the proxy already redirects.
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp) on every page: scripts, styles, images and
# connections only from this site. No inline script, style or handler, and no eval anywhere
# (templates/base.html turns off htmx's eval and injected style). 'self' also admits the
# notifications websocket on the same host. Browsers check form-action against the redirect
# that follows a form, so single sign-on adds its provider. CSP_IMG_SRC admits images that
# posts embed from other hosts (e.g. an internal wiki); by default they do not load.
_form_action = [SELF]
if OIDC_CLIENT_ID:
    _provider = urlsplit(env_str("OIDC_SERVER_URL"))
    _form_action.append(f"{_provider.scheme}://{_provider.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *env_list("CSP_IMG_SRC")],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": _form_action,
        "frame-ancestors": [NONE],
    }
}

# Admin sign-in throttling (django-axes; intranet.lib.admin_login). Only the admin's login
# is watched: allauth's sign-in has its own limits (ACCOUNT_RATE_LIMITS, left at allauth's
# defaults: 5 failures per account in 5 minutes, 10 a minute per address). After
# ADMIN_LOGIN_FAILURES failures for one username from one address, the admin login refuses
# that pair for ADMIN_LOGIN_LOCKOUT_MINUTES (a success resets the count; `manage.py
# axes_reset_username <name>` lifts a lockout).
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "intranet.lib.admin_login.AdminLoginHandler"
AXES_LOCKOUT_CALLABLE = "intranet.lib.admin_login.locked_out"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = True

# Per-person limits on writes made through the site (intranet.lib.ratelimit): (how many,
# per how many seconds). Counted in the cache, so shared by every server process when
# REDIS_URL is set. 0 turns a limit off.
RATE_LIMITS = {
    "post": (env_int("RATE_LIMIT_POSTS_PER_MINUTE", 10), 60),
    "like": (env_int("RATE_LIMIT_LIKES_PER_MINUTE", 60), 60),
    "upload": (env_int("RATE_LIMIT_UPLOADS_PER_HOUR", 20), 3600),
}

# --- The API (api/; django-ninja) ------------------------------------------------------
# Requests per token per minute (intranet.lib.ratelimit, counted per token); writes made
# through the API also count against the person's site limits above.
RATE_LIMITS["api"] = (env_int("RATE_LIMIT_API_PER_MINUTE", 300), 60)
# A request body larger than this is refused (413) before it is read: the biggest text an
# action accepts is a 20,000-character body.
API_MAX_BODY = env_int("API_MAX_BODY_KB", 256, minimum=1) * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # One line per task state change, or axes' banner at every start, is noise; failures
    # (and admin sign-in failures and lockouts) are still logged.
    "loggers": {"django_tasks": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
