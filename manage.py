#!/usr/bin/env python
"""Django's command-line utility, with one-line errors for misconfiguration."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    # A command works in one thread from start to end: it has no use for a pool of database
    # connections, and a pool would hide an unreachable database behind a wait of
    # POOL_TIMEOUT seconds and a timeout message. Only the server (`serve`) pools.
    if sys.argv[1:2] != ["serve"]:
        os.environ.setdefault("DATABASE_POOL_SIZE", "0")
    from django.core.management import execute_from_command_line

    from intranet.lib.startup import exit_on_config_error

    with exit_on_config_error():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
