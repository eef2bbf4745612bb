"""Production settings plus the one bench-only view (the ceiling). Used by bench/run.py only;
never by a real deployment, whose URLs stay config.urls.

Environment switches (set by bench/run.py for one server each):
- ``BENCH_CACHE=off``: Django's ``DummyCache`` instead of Redis, so every page does its full
  work (the sessions, ``cached_db``, then come from the database alone);
- ``BENCH_SQL_TIMING=<dir>``: time the statements, the row locks and the commit of each POST
  (bench/timing.py) and keep the totals of each worker in that directory.
"""

import os

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# One client address (127.0.0.1) drives the whole load: per-IP and per-user rate limits would
# measure the limiter, not the page. Everything else is production as deployed.
RATELIMIT_ENABLE = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405 (the API's)

if os.environ.get("BENCH_CACHE", "on") == "off":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

if os.environ.get("BENCH_SQL_TIMING"):
    MIDDLEWARE = ["bench.timing.SqlTimingMiddleware", *MIDDLEWARE]  # noqa: F405
