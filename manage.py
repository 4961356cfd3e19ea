#!/usr/bin/env python
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innocities.settings")
    # manage.py run by hand in a checkout is development (makemigrations, check, shell) and
    # should not need a SECRET_KEY. Deployments say DEBUG=0 themselves (the Dockerfile's ENV,
    # .env), and the web process starts through wsgi.py, which keeps the strict default.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
