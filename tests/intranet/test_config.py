"""Settings read from the environment: clear one-line errors, and a clean deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from intranet.lib.config import (
    ConfigError,
    database_from_env,
    env_bool,
    redis_url_from_env,
    secret_key,
    site_url_from_env,
)

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x7Qm2vL9pR4tW8zB1nC6yH5jD0fG3sA" * 2


def manage(*args: str, env: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "SEARCH_BACKEND", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update({"VAR_DIR": str(var_dir), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "is set but empty"),
        ("mysql://root@localhost/db", "unsupported or missing scheme"),
        ("not a url", "unsupported or missing scheme"),
        ("postgres://postgres@127.0.0.1:port/db", "malformed"),
        ("postgres://postgres@127.0.0.1:5432/", "names no database"),
        ("postgres:///intranet", "names no host"),
    ],
)
def test_bad_database_url_names_the_variable(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("DATABASE_URL", value)
    with pytest.raises(ConfigError) as caught:
        database_from_env(default_sqlite=tmp_path / "db.sqlite3")
    assert str(caught.value).startswith("DATABASE_URL: ")
    assert expected in str(caught.value)


def test_database_url_unset_means_sqlite_in_var(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env(default_sqlite=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_database_url_is_parsed(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet")
    config = database_from_env(default_sqlite=tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "intranet")


def test_postgres_connections_are_pooled_per_process(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet")
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    config = database_from_env(default_sqlite=tmp_path / "db.sqlite3")
    assert config["OPTIONS"]["pool"]["max_size"] == 10
    assert config["CONN_MAX_AGE"] == 0
    assert config["CONN_HEALTH_CHECKS"] is True  # a pooled connection is checked when lent

    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    assert database_from_env(default_sqlite=tmp_path / "x")["OPTIONS"]["pool"]["max_size"] == 3

    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")
    config = database_from_env(default_sqlite=tmp_path / "db.sqlite3")
    assert "pool" not in config["OPTIONS"]
    assert config["CONN_MAX_AGE"] == 60


def test_a_pool_and_persistent_connections_together_are_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "60")
    monkeypatch.delenv("DATABASE_POOL_SIZE", raising=False)
    with pytest.raises(ConfigError) as caught:
        database_from_env(default_sqlite=tmp_path / "db.sqlite3")
    assert str(caught.value).startswith("DATABASE_CONN_MAX_AGE: ")
    assert "DATABASE_POOL_SIZE=0" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "is set but empty"),
        ("http://127.0.0.1:6379", "unsupported or missing scheme"),
        ("127.0.0.1:6379", "unsupported or missing scheme"),
        ("redis://127.0.0.1:sixty/0", "malformed port"),
        ("redis:///0", "names no host"),
        ("redis://127.0.0.1:6379/cache", "database must be a number"),
    ],
)
def test_bad_redis_url_names_the_variable(monkeypatch, value, expected):
    monkeypatch.setenv("REDIS_URL", value)
    with pytest.raises(ConfigError) as caught:
        redis_url_from_env()
    assert str(caught.value).startswith("REDIS_URL: ")
    assert expected in str(caught.value)


def test_redis_url_unset_means_embedded(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert redis_url_from_env() is None


def test_env_bool_rejects_unknown_words(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ConfigError, match="^DEBUG: "):
        env_bool("DEBUG", True)


def test_dev_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key_file = tmp_path / "var" / "secret_key"
    first = secret_key(debug=True, key_file=key_file)
    assert len(first) >= 50
    assert secret_key(debug=True, key_file=key_file) == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_secret_key_required_when_debug_is_off(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="^SECRET_KEY: required when DEBUG is off"):
        secret_key(debug=False, key_file=tmp_path / "secret_key")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/intranet"}, "DATABASE_URL"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        (
            {"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "intranet.example.com"},
            "SITE_URL",
        ),
        ({"SITE_URL": "intranet.example.com"}, "SITE_URL"),
        ({"EMAIL_HOST": "mail", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_SSL"),
        ({"EMAIL_TIMEOUT": "soon"}, "EMAIL_TIMEOUT"),
        ({"SSO_ONLY": "1"}, "SSO_ONLY"),
    ],
)
def test_manage_py_prints_one_line_error_without_traceback(tmp_path, env, variable):
    result = manage("check", env=env, var_dir=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {variable}: ")
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line_error(tmp_path):
    # Port 9 (discard) on loopback has no PostgreSQL: the command must say so plainly.
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere"}
    result = manage("migrate", "--check", env=env, var_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: DATABASE_URL: cannot use the database")
    assert "Traceback" not in result.stderr


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "intranet.example.com",
    "SITE_URL": "https://intranet.example.com",
    "SIGNUP_EMAIL_DOMAINS": "example.com",
}


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, var_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        ({"SIGNUP_EMAIL_DOMAINS": ""}, "intranet.W001"),  # anyone on the internet
        ({"SIGNUP_EMAIL_DOMAINS": "", "ACCOUNT_EMAIL_VERIFICATION": "optional"}, "intranet.W002"),
        ({"SECRET_KEY": "short-" + "x7Qm2vL9pR4t" * 2}, "security.W009"),
    ],
)
def test_check_deploy_warns_about_who_can_get_in(tmp_path, change, warning):
    result = manage("check", "--deploy", env={**PRODUCTION, **change}, var_dir=tmp_path)
    assert warning in result.stdout + result.stderr


def test_check_deploy_accepts_single_sign_on_as_the_only_way_in(tmp_path):
    env = {
        **PRODUCTION,
        "SIGNUP_EMAIL_DOMAINS": "",
        "SSO_ONLY": "1",
        "OIDC_CLIENT_ID": "intranet",
        "OIDC_SERVER_URL": "https://sso.example.com/realms/x",
    }
    result = manage("check", "--deploy", env=env, var_dir=tmp_path)
    assert "intranet.W00" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_a_domain_limit_makes_verification_mandatory(tmp_path):
    code = "from django.conf import settings; print(settings.ACCOUNT_EMAIL_VERIFICATION)"
    result = manage(
        "shell", "-c", code, env={"SIGNUP_EMAIL_DOMAINS": "example.com"}, var_dir=tmp_path
    )
    assert result.stdout.strip().splitlines()[-1] == "mandatory", result.stderr
    open_signup = manage("shell", "-c", code, env={}, var_dir=tmp_path)
    assert open_signup.stdout.strip().splitlines()[-1] == "optional", open_signup.stderr


def test_a_domain_limit_without_verification_is_refused_in_one_line(tmp_path):
    env = {"SIGNUP_EMAIL_DOMAINS": "example.com", "ACCOUNT_EMAIL_VERIFICATION": "optional"}
    result = manage("check", env=env, var_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: ACCOUNT_EMAIL_VERIFICATION: must be mandatory")


def test_site_url_defaults_to_the_local_server_when_debugging(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert site_url_from_env(debug=True) == "http://127.0.0.1:8000"


def test_site_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://intranet.example.com/")
    assert site_url_from_env(debug=False) == "https://intranet.example.com"


def test_site_url_is_required_when_debug_is_off(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(ConfigError, match="^SITE_URL: required when DEBUG is off"):
        site_url_from_env(debug=False)


@pytest.mark.parametrize(
    ("port", "tls", "ssl"), [("587", True, False), ("465", False, True), ("25", False, False)]
)
def test_smtp_encryption_follows_the_port_unless_set(monkeypatch, tmp_path, port, tls, ssl):
    import runpy

    for name in ("EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEBUG", "SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("EMAIL_HOST", "mail.example.com")
    monkeypatch.setenv("EMAIL_PORT", port)
    loaded = runpy.run_path(str(ROOT / "intranet" / "settings.py"))
    assert (loaded["EMAIL_USE_TLS"], loaded["EMAIL_USE_SSL"]) == (tls, ssl)
    assert loaded["EMAIL_TIMEOUT"] == 10
    monkeypatch.setenv("EMAIL_USE_TLS", "1")
    assert runpy.run_path(str(ROOT / "intranet" / "settings.py"))["EMAIL_USE_TLS"] is True
