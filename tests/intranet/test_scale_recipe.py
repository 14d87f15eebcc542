"""The README's "At scale" recipe, followed as written, so that it cannot rot: every command
and option it names exists, its environment loads, the scheduler it starts runs every
periodic job, and migrate, collectstatic and seed work on an empty database."""

from __future__ import annotations

import io
import os
import re
import runpy
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command, get_commands, load_command_class
from uvicorn.main import main as uvicorn_main

from intranet.lib import schedule

ROOT = Path(__file__).resolve().parents[2]
MANAGE = ".venv/bin/python manage.py "


def recipe() -> list[str]:
    """The commands of the README's "At scale" block, continuation lines joined; a command
    commented out as optional ("# .venv/bin/...") counts too."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## At scale\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the At scale section has no ```sh block"
    commands, current = [], ""
    for raw in block.group(1).splitlines():
        line = raw.strip()
        if line.startswith("# .venv/"):
            line = line[2:]
        elif line.startswith("#") or not line:
            continue
        current += line.removesuffix("\\").strip() + " "
        if not line.endswith("\\"):
            commands.append(current.strip())
            current = ""
    return commands


def recipe_env() -> dict[str, str]:
    [export] = [c for c in recipe() if c.startswith("export ")]
    return dict(word.split("=", 1) for word in shlex.split(export)[1:])


def manage_commands() -> list[list[str]]:
    return [shlex.split(c.removeprefix(MANAGE)) for c in recipe() if c.startswith(MANAGE)]


def test_the_recipe_names_the_whole_setup_in_order():
    names = [args[0] for args in manage_commands()]
    assert names == ["migrate", "collectstatic", "seed_demo", "db_worker", "run_scheduler"]
    assert "make install" in recipe()
    assert any(c.startswith(".venv/bin/uvicorn ") for c in recipe())


@pytest.mark.parametrize("args", manage_commands(), ids=lambda args: args[0])
def test_every_manage_command_in_the_recipe_exists_with_its_options(args, settings):
    # As the recipe configures tasks (TASK_BACKEND=database): db_worker checks its backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    name, options = args[0], args[1:]
    app = get_commands().get(name)
    assert app, f"README names manage.py {name}, which does not exist"
    parser = load_command_class(app, name).create_parser("manage.py", name)
    parser.parse_args(options)  # an unknown option exits (SystemExit) and fails the test
    assert parser.format_help()


def test_the_uvicorn_line_binds_host_and_port_and_loads_the_app():
    [line] = [c for c in recipe() if c.startswith(".venv/bin/uvicorn ")]
    params = uvicorn_main.make_context("uvicorn", shlex.split(line)[1:]).params
    assert params["host"] and params["port"]
    assert params["workers"] > 1 and params["lifespan"] == "off"
    assert params["app"] == "intranet.asgi:application"
    assert (ROOT / "Makefile").read_text().count("\ninstall:") == 1


def test_the_recipes_environment_loads_as_the_scale_configuration(monkeypatch, tmp_path):
    for name in ("OIDC_CLIENT_ID", "SSO_ONLY", "HTTPS", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name, value in recipe_env().items():
        monkeypatch.setenv(name, value)
    loaded = runpy.run_path(str(ROOT / "intranet" / "settings.py"))
    assert loaded["DEBUG"] is False and loaded["SCHEDULER"] is False
    assert loaded["TASK_BACKEND"] == "database" and loaded["SEARCH_BACKEND"] == "postgres"
    assert loaded["DATABASES"]["default"]["ENGINE"].endswith("postgresql")
    assert loaded["REDIS_URL"] and loaded["SITE_URL"] == "https://intranet.example.com"
    assert loaded["EMAIL_USE_TLS"] is True


def test_the_scheduler_the_recipe_starts_lists_and_runs_every_periodic_job(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("run_scheduler", "--list", stdout=out)
    listed = [line.split()[0] for line in out.getvalue().splitlines()]
    assert listed == [job.command for job in schedule.JOBS]
    section = (ROOT / "README.md").read_text().split("\n## At scale\n", 1)[1]
    for job in schedule.JOBS:
        assert f"`{job.command}`" in section, f"the README does not say {job.command} runs"
        assert job.command in get_commands()


@pytest.fixture
def empty_database() -> Iterator[dict[str, str]]:
    """DATABASE_URL (and SEARCH_BACKEND) for a database with nothing in it: a scratch
    PostgreSQL database when the suite runs on PostgreSQL, a new SQLite file otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres", "pgsql")):
        yield {"SEARCH_BACKEND": "whoosh"}
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_recipe_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrate_and_collectstatic_work_on_an_empty_database(tmp_path, empty_database):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SEARCH_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(recipe_env())
    env.pop("DATABASE_URL")  # the recipe's is an example; this one is real and empty
    if "REDIS_URL" in os.environ:
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env.pop("REDIS_URL")
    env.update(
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_HOST="",
        **empty_database,
    )
    for args in manage_commands():
        if args[0] in {"db_worker", "run_scheduler"}:
            continue  # they run until stopped; their options are checked above
        if args[0] == "seed_demo":
            # About a minute of CPU per configuration; migrate before it is what the recipe
            # adds, and tests/demo/test_seed_demo.py seeds a migrated empty database.
            continue
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stderr[-2000:]}"
    assert (tmp_path / "static" / "staticfiles.json").exists()
