"""Reading the checkout's ``.env``: absent is fine, present but unreadable is an error.

django-environ's ``read_env`` skips a file it cannot open with only a log line, so a server whose
``.env`` belongs to the wrong user would quietly run with local settings (DEBUG on, the test
payment gateway on). Here a missing file means "configured by the environment alone"; anything
else that stops us reading it stops the process.
"""

import io
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured


def read_env_file(path: Path) -> None:
    """Load ``path`` into ``os.environ`` (existing variables win), if the file exists."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{path} exists but cannot be read ({exc.strerror or exc.__class__.__name__}). "
            "It must belong to the user the site runs as: chown bookmytoken: .env && "
            "chmod 600 .env"
        ) from exc
    environ.Env.read_env(io.StringIO(content), overwrite=False)
