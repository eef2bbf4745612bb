"""Production settings plus the one bench-only view (the ceiling). Used by bench/run.py only;
never by a real deployment, whose URLs stay config.urls."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# One client address (127.0.0.1) drives the whole load: per-IP and per-user rate limits would
# measure the limiter, not the page. Everything else is production as deployed.
RATELIMIT_ENABLE = False
