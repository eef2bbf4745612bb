"""The physical ceiling: the benchmark's Django served with no middleware at all.

bench/run.py serves the bare view (bench/urls.py) through this application on a gunicorn of its
own, in the same run as the real pages, so each page can be given as a share of what Django and
gunicorn can do on this machine at that moment. The same view through the full stack
(bench.settings, config.wsgi) shows what the middleware costs.

allauth refuses to start unless its middleware is listed, so the project starts with the
benchmark settings as they are (and warms up as config.wsgi does); then ``MIDDLEWARE = []`` and
the handler rebuilds its chain from it before the workers fork.
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from django.conf import settings  # noqa: E402

from config.wsgi import application  # noqa: E402

settings.MIDDLEWARE = []
application.load_middleware()
