"""Settings entry point: ``DJANGO_ENV`` picks local (default), test or production.

``DJANGO_ENV`` may also come from the checkout's ``.env`` (as every other variable can), so a
server whose ``.env`` says production runs production settings for ``manage.py`` commands too.
A ``.env`` that exists but cannot be read stops the process (never a fallback to local settings).
"""

import os
from pathlib import Path

from .envfile import read_env_file

read_env_file(Path(__file__).resolve().parent.parent.parent / ".env")
_env = os.environ.get("DJANGO_ENV", "local")

if _env == "production":
    from .production import *  # noqa: F403
elif _env == "test":
    from .test import *  # noqa: F403
else:
    from .local import *  # noqa: F403
