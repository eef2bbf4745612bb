"""WSGI entry point (gunicorn, Passenger). Loads the whole project before the first request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Do the one-off work of a process's first request now: import every URLconf, view and
    cache module, build the URL reverse tables, compile the site's templates and load the
    translation catalogues. With gunicorn's preload_app this happens once in the master, so no
    worker (new or recycled) makes its first visitors wait for it. Nothing here connects to
    the database or the cache."""
    from django.conf import settings
    from django.core.cache import caches
    from django.template import TemplateSyntaxError, engines
    from django.urls import reverse
    from django.utils import translation

    for alias in settings.CACHES:
        caches[alias]  # noqa: B018 - imports the backend and its client; connects lazily
    engine = engines["django"]
    for folder in engine.dirs:
        for path in sorted(folder.rglob("*.html")):
            try:
                engine.get_template(str(path.relative_to(folder)))
            except TemplateSyntaxError:  # reported when a request needs it, as before
                continue
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Find services")
            reverse("home")  # imports every URLconf and view; fills the language's URL tables


warm_up()
