"""Reading settings from the environment, with one-line errors that name the variable.

Settings must fail early and legibly: a malformed ``DATABASE_URL`` should tell the
operator which variable is wrong, not print a traceback from deep inside a driver.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {
    "sqlite": "sqlite",
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "pgsql": "postgresql",
}
REDIS_SCHEMES = {"redis", "rediss", "unix"}
POOL_TIMEOUT = 3.0  # seconds a request waits for a pooled database connection, then fails
POOL_RECONNECT_SECONDS = 5.0


class ConfigError(ImproperlyConfigured):
    """A setting read from the environment is missing or malformed."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(name, f"expected one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(name, f"expected a whole number; got {raw!r}") from None
    if value < minimum:
        raise ConfigError(name, f"must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default).lower() or default
    if value not in choices:
        raise ConfigError(name, f"expected one of {', '.join(sorted(choices))}; got {value!r}")
    return value


def secret_key(*, debug: bool, key_file: Path) -> str:
    """SECRET_KEY from the environment; in development, a key generated once into ``key_file``."""
    value = env_str("SECRET_KEY")
    if value:
        return value
    if not debug:
        raise ConfigError("SECRET_KEY", "required when DEBUG is off (set a long random string)")
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    key_file.write_text(value)
    key_file.chmod(0o600)
    return value


def database_from_env(*, default_sqlite: Path) -> dict[str, Any]:
    """The default database from DATABASE_URL (SQLite or PostgreSQL), SQLite in var/ if unset."""
    raw = os.environ.get("DATABASE_URL")
    if raw is None:
        config: dict[str, Any] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
        }
    else:
        config = _parse_database_url(raw.strip())
    if config["ENGINE"].endswith("sqlite3"):
        # Concurrent writers on SQLite raise "database is locked" unless transactions take
        # the write lock up front and readers wait for it (Django 5.1+ options).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        if config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    else:
        # Each server process keeps a pool of open connections (Django's, psycopg_pool).
        # Without it, every request opened a connection of its own: under uvicorn a request
        # runs in a thread of its own, so persistent connections (CONN_MAX_AGE) are never
        # reused there. Each connection is checked before it is lent (CONN_HEALTH_CHECKS):
        # one the database has dropped is replaced instead of failing the request.
        pool_size = env_int("DATABASE_POOL_SIZE", 10)
        max_age = env_int("DATABASE_CONN_MAX_AGE", 0)
        if pool_size and max_age:
            raise ConfigError(
                "DATABASE_CONN_MAX_AGE",
                "persistent connections and the connection pool exclude each other; "
                "set DATABASE_POOL_SIZE=0 to use persistent connections",
            )
        config["CONN_MAX_AGE"] = max_age
        config["CONN_HEALTH_CHECKS"] = True
        if pool_size:
            # A request waits at most POOL_TIMEOUT seconds for a free connection, then
            # fails rather than hanging.
            config.setdefault("OPTIONS", {})["pool"] = {
                "min_size": min(2, pool_size),
                "max_size": pool_size,
                "timeout": POOL_TIMEOUT,
                # While the database is away, a connection is retried for this long and
                # then given up, so that the next request tries again at once: the site
                # answers again soon after the database is back.
                "reconnect_timeout": POOL_RECONNECT_SECONDS,
            }
        # PostgreSQL's JIT compiles any query its planner thinks is costly: on the
        # responsiveness report's main query (100,000 posts) it spent 410 of 940 ms
        # compiling. Pages want answers now, so it is off for our connections.
        options = config.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    return config


def _parse_database_url(raw: str) -> dict[str, Any]:
    if not raw:
        raise ConfigError("DATABASE_URL", "is set but empty (unset it to use SQLite in var/)")
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            "DATABASE_URL",
            f"unsupported or missing scheme {scheme or raw!r}; use sqlite:///path/to/db.sqlite3 "
            "or postgres://user:password@host:5432/name",
        )
    try:
        config = dj_database_url.parse(raw)
    except Exception as exc:  # the library raises several types; all mean "malformed"
        raise ConfigError("DATABASE_URL", f"malformed URL ({exc})") from None
    if not config.get("NAME"):
        raise ConfigError("DATABASE_URL", "names no database (add /name at the end)")
    if DATABASE_SCHEMES[scheme] == "postgresql" and not config.get("HOST"):
        raise ConfigError("DATABASE_URL", "names no host")
    return dict(config)


def redis_url_from_env() -> str | None:
    """REDIS_URL, validated; None when unset (the embedded defaults are used then)."""
    raw = os.environ.get("REDIS_URL")
    if raw is None:
        return None
    raw = raw.strip()
    if not raw:
        raise ConfigError("REDIS_URL", "is set but empty (unset it to run without Redis)")
    parts = urlsplit(raw)
    if parts.scheme not in REDIS_SCHEMES:
        raise ConfigError(
            "REDIS_URL",
            f"unsupported or missing scheme {parts.scheme or raw!r}; use redis://host:6379/0",
        )
    if parts.scheme == "unix":
        if not parts.path:
            raise ConfigError("REDIS_URL", "names no socket path")
        return raw
    try:
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise ConfigError("REDIS_URL", "has a malformed port") from None
    if not parts.hostname:
        raise ConfigError("REDIS_URL", "names no host")
    database = parts.path.lstrip("/")
    if database and not database.isdigit():
        raise ConfigError("REDIS_URL", f"database must be a number; got {database!r}")
    return raw


def site_url_from_env(*, debug: bool) -> str:
    """SITE_URL, the address people open the site at (scheme and host, no trailing slash).

    Required when DEBUG is off: mails are sent by commands that have no request to take the
    host from, and a link nobody can open is worse than no mail."""
    raw = env_str("SITE_URL")
    if not raw:
        if not debug:
            raise ConfigError(
                "SITE_URL", "required when DEBUG is off (e.g. https://intranet.example.com)"
            )
        return "http://127.0.0.1:8000"
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(
            "SITE_URL",
            f"expected http(s)://host[:port], e.g. https://intranet.example.com; got {raw!r}",
        )
    if parts.query or parts.fragment:
        raise ConfigError("SITE_URL", f"must not carry a query or fragment; got {raw!r}")
    return raw.rstrip("/")
