"""Passenger entry point for cPanel's "Setup Python App" (shared hosting without root).

In cPanel set "Application root" to the checkout (e.g. bookmytoken) and "Application startup
file" to deploy/cpanel/passenger_wsgi.py, or copy this file to the checkout's top folder: it
finds the project from either place. Settings come from the checkout's .env (DJANGO_ENV=
production and the rest, see deploy/env.production); without REDIS_URL the site runs tasks
in the web process and caches in memory, which suits a single Passenger app.
"""

import os
import sys
from pathlib import Path


def _project_root() -> Path:
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "manage.py").is_file() and (folder / "config").is_dir():
            return folder
    raise RuntimeError(f"No BookMyToken checkout (manage.py) found above {here}")


ROOT = _project_root()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.wsgi import application  # noqa: E402

__all__ = ["application"]
